"""Shared fixtures: the standard org tree and a persona per role and level, plus an outsider."""

import datetime as dt
import importlib
import os
import random

import pytest
from django.test import Client

from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from tests.factories import make_user, standard_tree

# Tests that check a drawn sample of many cases of one kind draw it from this seed: the day's date
# unless KEXIE_SAMPLE_SEED is set, so a failure is replayed by setting the seed pytest's header shows.
SAMPLE_SEED = int(os.environ.get("KEXIE_SAMPLE_SEED") or dt.date.today().strftime("%Y%m%d"))


def pytest_report_header(config):
    return f"kexie: sampled checks draw with KEXIE_SAMPLE_SEED={SAMPLE_SEED}"


@pytest.fixture
def sample_rng(request):
    """A random.Random seeded from the run's seed and the test's id (a test's draw does not depend on
    which other tests run); the seed is printed, so a failing test's report shows it."""
    print(f"sampled with KEXIE_SAMPLE_SEED={SAMPLE_SEED}")
    return random.Random(f"{SAMPLE_SEED}:{request.node.nodeid}")


def _db_order(item) -> int:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    if (marker is not None and marker.kwargs.get("transaction")) or names & {
        "transactional_db",
        "live_server",
    }:
        return 1
    return 0 if marker is not None or "db" in names else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests in a transaction first, then those that commit and flush (browser, background-task
    tests), then those without a database — pytest-django's order, applied again last because
    pytest's grouping by session-scoped parameters (Playwright's browser) can undo it, and a flush
    ahead of an in-transaction test would empty the migration-seeded lists under it."""
    items.sort(key=_db_order)


@pytest.fixture(autouse=True)
def _reference_lists(request):
    """The managed lists (activity types, national campaigns, target groups) come from a data
    migration. A transactional test (browser tests, background-task tests) ends with a flush that
    empties them for the tests after it, so such tests put them back first, with the migration's own
    (idempotent) code."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not transactional:
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    importlib.import_module("kexie.activities.migrations.0002_seed_lists").seed(apps, None)
    importlib.import_module("kexie.registries.migrations.0002_seed_programmes").seed(apps, None)  # 称号/平台


@pytest.fixture
def tree(db):
    return standard_tree()


@pytest.fixture
def people(tree):
    """province_sysadmin, city_admin, county_admin, county_filler, county_viewer, township_filler,
    society_admin and the outsider (an admin of another city)."""
    return {
        "province_sysadmin": make_user("province_sysadmin", tree["province"], Role.SYSADMIN),
        "city_admin": make_user("city_admin", tree["city"], Role.ADMIN),
        "county_admin": make_user("county_admin", tree["county"], Role.ADMIN),
        "county_filler": make_user("county_filler", tree["county"], Role.FILLER),
        "county_viewer": make_user("county_viewer", tree["county"], Role.VIEWER),
        "township_filler": make_user("township_filler", tree["township"], Role.FILLER),
        "outsider": make_user("outsider", tree["other_city"], Role.ADMIN),
    }


@pytest.fixture
def access_of(people):
    def _access(name: str):
        return access_for(people[name])

    return _access


@pytest.fixture
def login(people):
    def _login(name: str) -> Client:
        client = Client()
        client.force_login(people[name])  # login() would bypass axes' request-based backend
        return client

    return _login


# Browser tests: an assertion waits up to 15 s (Playwright's default is 5 s) for a page to settle, so a
# loaded CI machine slows them down rather than failing them; a passing test waits no longer for it.
try:
    from playwright.sync_api import expect as _playwright_expect
except ImportError:  # pragma: no cover — playwright is a dev dependency
    pass
else:
    _playwright_expect.set_options(timeout=15_000)


# Browser tests on SQLite: the test database lives in memory, on one connection that the live server's
# threads share. Django's live server answers each request in a thread of its own, and a page that loads
# several parts at once (the dashboard's lazily loaded cards) then uses that one connection from several
# threads at the same time ("bad parameter or other API misuse"). On SQLite the live server answers one
# request at a time instead; PostgreSQL keeps the threaded server (a connection per thread).
def _serve_one_request_at_a_time_on_sqlite() -> None:
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override  # run() already set them for its thread

    LiveServerThread.server_class = SerialWSGIServer


_serve_one_request_at_a_time_on_sqlite()
