"""fact_list — the reader the report generator uses: scoped, by subtree, by period, filtered."""

import datetime as dt

import pytest

from kexie.core.periods import Period
from kexie.facts import selectors
from kexie.facts.models import Fact


def _fact(unit, statement, year, date=None, kind=Fact.Kind.FIRST, level=Fact.Level.PROVINCIAL, **extra):
    return Fact.objects.create(
        org_unit=unit,
        kind=kind,
        statement=statement,
        year=year,
        date=date,
        level=level,
        source="通报",
        **extra,
    )


@pytest.fixture
def facts(tree):
    return {
        "city_2023": _fact(tree["city"], "市科协率先", 2023),
        "county_2023_sep": _fact(
            tree["county"], "县科协九月获奖", 2023, dt.date(2023, 9, 20), Fact.Kind.HONOUR, issuer="省科协"
        ),
        "township_2022": _fact(tree["township"], "镇科协率先", 2022, level=Fact.Level.COUNTY),
        "other_2023": _fact(tree["other_city"], "池州率先", 2023),
        "ranking_2021": _fact(
            tree["city"], "全国第9名", 2021, kind=Fact.Kind.RANKING, rank=9, level=Fact.Level.NATIONAL
        ),
    }


def _names(qs):
    return {f.statement for f in qs}


def test_it_lists_the_subtree_in_scope_only(facts, access_of, tree):
    city = _names(selectors.fact_list(access=access_of("city_admin")))
    assert city == {"市科协率先", "县科协九月获奖", "镇科协率先", "全国第9名"}
    county = _names(selectors.fact_list(access=access_of("county_viewer")))
    assert county == {"县科协九月获奖", "镇科协率先"}
    assert _names(selectors.fact_list(access=access_of("outsider"))) == {"池州率先"}


def test_a_unit_outside_the_scope_gives_nothing(facts, access_of, tree):
    assert not selectors.fact_list(access=access_of("county_viewer"), unit=tree["other_city"]).exists()
    assert (
        not selectors.fact_list(access=access_of("county_viewer"), unit=tree["city"])
        .exclude(org_unit__path__startswith=tree["county"].path)
        .exists()
    )


def test_unit_subtree_or_own_only(facts, access_of, tree):
    access = access_of("city_admin")
    assert _names(selectors.fact_list(access=access, unit=tree["county"])) == {"县科协九月获奖", "镇科协率先"}
    assert _names(selectors.fact_list(access=access, unit=tree["county"], own_only=True)) == {
        "县科协九月获奖"
    }


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2023", {"市科协率先", "县科协九月获奖"}),
        ("2021..2023", {"市科协率先", "县科协九月获奖", "镇科协率先", "全国第9名"}),
        ("2023Q3", {"县科协九月获奖"}),  # a year-only fact is not claimed for a quarter
        ("2023-09", {"县科协九月获奖"}),
        ("2024", set()),
    ],
)
def test_it_filters_by_period(facts, access_of, period, expected):
    assert (
        _names(selectors.fact_list(access=access_of("city_admin"), period=Period.parse(period))) == expected
    )


def test_it_filters_by_kind_level_year_and_text(facts, access_of):
    access = access_of("city_admin")
    assert _names(selectors.fact_list(access=access, kind=Fact.Kind.RANKING)) == {"全国第9名"}
    assert _names(selectors.fact_list(access=access, level=Fact.Level.COUNTY)) == {"镇科协率先"}
    assert _names(selectors.fact_list(access=access, year=2022)) == {"镇科协率先"}
    assert _names(selectors.fact_list(access=access, q="省科协")) == {"县科协九月获奖"}  # the issuer


def test_newest_first(facts, access_of):
    years = [f.year for f in selectors.fact_list(access=access_of("city_admin"))]
    assert years == sorted(years, reverse=True)


def test_fact_get_is_404_outside_scope(facts, access_of):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.fact_get(access=access_of("county_viewer"), pk=facts["city_2023"].pk)
    assert (
        selectors.fact_get(access=access_of("city_admin"), pk=facts["township_2022"].pk).statement
        == "镇科协率先"
    )
