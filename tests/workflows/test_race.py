"""Two reviewers pressing their buttons at the same moment, each on its own database connection.

Defined on PostgreSQL only (the production database, and the suite's second pass): SQLite's in-memory
test database is shared-cache, where a second writer gets "table is locked" at once instead of waiting
as a file database with busy_timeout does. The same compare-and-set with interleaved actors on one
connection is proven on both databases in test_services and test_views.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from kexie.workflows.models import TransitionLog
from kexie.workflows.services import StaleState, transition
from tests.workflows.lifecycle import Application

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.mark.django_db(transaction=True)
def _race_test_of_two_simultaneous_transitions_exactly_one_wins_and_the_other_is_told(application, acc):
    app = application(state="applied")
    actors = [("county_reviewer", "recommend", ""), ("city_reviewer", "return", "材料不全")]
    accesses = {name: acc(name) for name, _, _ in actors}
    for a in accesses.values():
        a.unit  # noqa: B018 - load the actor's unit before the race, as a page would
    start = threading.Barrier(len(actors))
    outcome: dict[str, str] = {}

    def act(name, code, reason):
        try:
            seen = Application.objects.get(pk=app.pk)  # both saw 已申报
            start.wait(timeout=10)
            transition(access=accesses[name], obj=seen, code=code, reason=reason)
            outcome[name] = "done"
        except StaleState as exc:
            outcome[name] = exc.message
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=act, args=actor) for actor in actors]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        winners = [name for name, result in outcome.items() if result == "done"]
        losers = [result for result in outcome.values() if result != "done"]
        assert len(winners) == 1, outcome
        assert len(losers) == 1, outcome
        assert losers[0].startswith("该记录已被他人处理")
        final = Application.objects.get(pk=app.pk).state
        assert final == {"county_reviewer": "recommended", "city_reviewer": "draft"}[winners[0]]
        assert TransitionLog.objects.filter(object_id=app.pk).count() == 1
    finally:
        Application.objects.all().delete()  # its table is outside the flush (not an installed app)


if ON_POSTGRESQL:
    test_of_two_simultaneous_transitions_exactly_one_wins_and_the_other_is_told = (
        _race_test_of_two_simultaneous_transitions_exactly_one_wins_and_the_other_is_told
    )
