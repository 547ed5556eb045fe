"""Record-layer fixtures: media under tmp, and 荣誉与排名 as the record type under test (the first
record type on the layer)."""

import pytest

from kexie.facts import services
from kexie.facts.models import Fact


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def make_fact(people, access_of, tree):
    def _make(who: str = "county_filler", **over) -> Fact:
        base = {
            "org_unit": tree["county"],
            "kind": Fact.Kind.HONOUR,
            "statement": "全国科普日优秀组织单位",
            "issuer": "中国科协",
            "level": Fact.Level.NATIONAL,
            "year": 2023,
            "source": "科协办函普字〔2023〕88号",
        }
        return services.fact_create(
            access=access_of(who), actor=people[who], data=services.FactData(**(base | over))
        )

    return _make


def post_data(tree, **over):
    data = {
        "org_unit": tree["county"].pk,
        "kind": "honour",
        "statement": "全国科普日优秀组织单位",
        "issuer": "中国科协",
        "level": "national",
        "year": "2023",
        "date": "",
        "rank": "",
        "source": "科协办函普字〔2023〕88号",
        "note": "",
    }
    return data | over


# the browser tests of the record layer use the e2e suite's chromium settings
from tests.e2e.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
