"""Fact fixtures: a media folder under tmp, and a valid FactData builder."""

import pytest

from kexie.facts import services
from kexie.facts.models import Fact


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def fact_data(tree):
    """fact_data(**over) → a valid honour of 怀宁县 in 2023, with fields replaced."""

    def _make(**over) -> services.FactData:
        base = {
            "org_unit": tree["county"],
            "kind": Fact.Kind.HONOUR,
            "statement": "全国科普日优秀组织单位",
            "issuer": "中国科协",
            "level": Fact.Level.NATIONAL,
            "year": 2023,
            "source": "中国科协办公厅通报（科协办函普字〔2023〕88号）",
        }
        return services.FactData(**(base | over))

    return _make


@pytest.fixture
def make_fact(people, access_of, fact_data):
    """make_fact(who="county_filler", **over) → a fact recorded through the service."""

    def _make(who: str = "county_filler", **over) -> Fact:
        return services.fact_create(access=access_of(who), actor=people[who], data=fact_data(**over))

    return _make
