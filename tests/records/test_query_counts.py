"""A list page makes the same number of queries for 3 records as for 20 (no query per row)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kexie.facts.models import Fact


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_facts_list_does_not_query_per_row(login, tree):
    client = login("county_viewer")
    for i in range(3):
        Fact.objects.create(
            org_unit=tree["county"], kind="first", statement=f"率先{i}", year=2023, source="通报"
        )
    few = _queries(client, reverse("facts:list"), {"period": "2023年"})
    for i in range(3, 20):
        Fact.objects.create(
            org_unit=tree["township"], kind="first", statement=f"率先{i}", year=2023, source="通报"
        )
    assert _queries(client, reverse("facts:list"), {"period": "2023年"}) == few
