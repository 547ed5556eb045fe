"""The throw-away Application model (table, scoping, workflow) and reviewer personas."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from kexie.orgs import scoping
from kexie.orgs.models import Role
from kexie.workflows import definitions
from tests.factories import make_user
from tests.workflows.lifecycle import APPLICATION, HOOK_CALLS, Application


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if Application._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Application)


@pytest.fixture(autouse=True)
def application_registered(db):
    ContentType.objects.clear_cache()  # a flush elsewhere may have renumbered content types
    scoping.register_scoped(Application, via="org_unit")
    definitions.register(APPLICATION, Application)
    HOOK_CALLS.clear()
    yield
    definitions.unregister(Application)
    scoping._SCOPED.pop(Application, None)  # no public unregister: tests only


@pytest.fixture
def cast(tree, people):
    """The standard personas plus reviewers at county and city level and a city filler."""
    return {
        **people,
        "county_reviewer": make_user("county_reviewer", tree["county"], Role.REVIEWER),
        "county2_reviewer": make_user("county2_reviewer", tree["county2"], Role.REVIEWER),
        "city_reviewer": make_user("city_reviewer", tree["city"], Role.REVIEWER),
        "township_reviewer": make_user("township_reviewer", tree["township"], Role.REVIEWER),
        "other_reviewer": make_user("other_reviewer", tree["other_city"], Role.REVIEWER),
    }


@pytest.fixture
def acc(cast):
    def _access(name: str):
        return scoping.access_for(cast[name])

    return _access


@pytest.fixture
def application(tree):
    def _make(unit="township", state="draft", issuer="city", title="高河镇科普教育基地"):
        return Application.objects.create(
            title=title, org_unit=tree[unit], issuer_unit=tree[issuer] if issuer else None, state=state
        )

    return _make
