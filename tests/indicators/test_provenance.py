"""Provenance: every linked figure links to a list of exactly the records it was computed from."""

import dataclasses
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.db.models import Q
from django.urls import reverse

from kexie.core.periods import Period
from kexie.indicators import registry
from kexie.indicators.engine import evaluate
from kexie.indicators.registry import NO_MEMBER, Aggregate, Indicator, Kind, LinkTarget, ListLink, Param
from kexie.orgs.models import OrgUnit
from tests.indicators.helpers import SPEC, behind, frozen, generated_codes, listed, listed_units

ALL_CODES = generated_codes()  # activities and org units: see the helper
PERIODS = ["2024", "2025", "2024-09", "2024..2025"]


def _params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_links_follow_the_list_page_contract(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=[
            "popsci_lectures",
            "academic_activities",
            "popsci_key_activities",
            "popsci_youth_activities",
        ],
        periods=["2024Q3"],
        by="child",
        breakdown="campaign",
    )
    city, county = tree["city"].pk, tree["county"].pk
    v = result.value("popsci_lectures", "2024Q3")
    assert v.provenance == f"/activities/?period=2024Q3&unit={city}&type=lecture&academic=0"
    v = result.value("academic_activities", "2024Q3", child=tree["county"])
    assert v.provenance == f"/activities/?period=2024Q3&unit={county}&academic=1"
    v = result.value("popsci_key_activities", "2024Q3", key="science_day")
    assert _params(v.provenance) == {
        "period": "2024Q3",
        "unit": str(city),
        "key": "1",
        "academic": "0",
        "campaign": "science_day",
    }
    v = result.value("popsci_youth_activities", "2024Q3")
    assert _params(v.provenance)["target"] == "youth"


def test_custom_and_span_periods_are_written_as_period_strings(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities"],
        periods=["2024-09-10..2025-01-31", "2021..2025"],
    )
    assert [_params(v.provenance)["period"] for v in result] == ["2024-09-10..2025-01-31", "2021..2025"]


@pytest.mark.parametrize("breakdown", [None, "type", "campaign", "target"])
def test_every_link_lists_exactly_the_records_counted(records, tree, access_of, breakdown):
    result = evaluate(
        access=access_of("city_admin"), indicators=ALL_CODES, periods=PERIODS, by="child", breakdown=breakdown
    )
    linked = 0
    with frozen():
        for v in result:
            if v.provenance is None:
                continue
            linked += 1
            measure, _ = SPEC[v.code]
            if measure in ("stock", "founded"):  # org units: the org list's filters restated
                assert len(listed_units(v.provenance)) == v.value, (v.code, v.period, v.label, v.key)
                continue
            code = measure[2] if isinstance(measure, tuple) and measure[0] == "ratio" else v.code
            counted = behind(
                code, records, v.period, v.unit.path, own_only=v.own_only, dim=breakdown, key=v.key
            )
            shown = listed(v.provenance, records)
            assert {r.pk for r in shown} == {r.pk for r in counted}, (v.code, v.period, v.label, v.key)
            if measure == "count":
                assert v.value == len(shown)
            elif isinstance(measure, str):
                assert v.value == sum(getattr(r, measure) for r in shown)
    assert linked > 100


def test_every_value_of_a_count_or_sum_now_has_a_link(records, access_of):
    """本级, a participant minimum, several campaigns and records without a member are expressible."""
    for breakdown in (None, "type", "campaign", "target"):
        result = evaluate(
            access=access_of("city_admin"),
            indicators=ALL_CODES,
            periods=PERIODS,
            by="child",
            breakdown=breakdown,
        )
        for v in result:
            if isinstance(v.indicator.definition, Aggregate) and _possible(v, breakdown):
                assert v.provenance is not None, (v.code, v.label, v.key)


def _possible(v, breakdown) -> bool:
    """A member outside an indicator's own filter (lectures broken down as exhibitions) is 0 by
    definition and lists nothing: it gets no link rather than an empty list."""
    filters = v.indicator.definition.filters
    if v.key is None:
        return True
    if breakdown == "type":
        return filters.get("activity_type__code", v.key) == v.key
    if breakdown == "campaign":
        if "campaign__code" in filters:
            return filters["campaign__code"] == v.key
        return v.key in filters.get("campaign__code__in", [v.key])
    if breakdown == "target":
        return filters.get("target_groups__code", v.key) == v.key
    return True


def test_new_parameters_of_the_list_contract(records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_major_activities", "science_day_month_activities", "popsci_activities"],
        periods=["2024"],
        by="child",
        breakdown="campaign",
    )
    city = str(tree["city"].pk)
    assert _params(result.value("popsci_major_activities", "2024").provenance) == {
        "period": "2024",
        "unit": city,
        "min_participants": "1000",
        "academic": "0",
    }
    assert _params(result.value("science_day_month_activities", "2024").provenance)["campaign"] == (
        "science_day,science_month"
    )
    own = _params(result.own("popsci_activities", "2024").provenance)
    assert own == {"period": "2024", "unit": city, "own": "1", "academic": "0"}
    none = _params(result.value("popsci_activities", "2024", key=NO_MEMBER).provenance)
    assert none["campaign"] == "none"
    # a member of the indicator's own choice narrows it; a member outside it is 0 and unlinked
    day = result.value("science_day_month_activities", "2024", key="science_day")
    assert _params(day.provenance)["campaign"] == "science_day"
    week = result.value("science_day_month_activities", "2024", key="st_week")
    assert (week.value, week.provenance) == (0, None)


def test_members_without_a_value_and_contradictions(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities", "popsci_lectures"],
        periods=["2024"],
        breakdown="type",
    )
    assert result.value("popsci_lectures", "2024", key="lecture").provenance is not None
    contradiction = result.value("popsci_lectures", "2024", key="exhibition")
    assert (contradiction.value, contradiction.provenance) == (0, None)


def test_a_ratio_links_to_the_records_of_its_operands(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_avg_participants", "popsci_activities", "popsci_key_share"],
        periods=["2024"],
    )
    avg = result.value("popsci_avg_participants", "2024")
    assert avg.provenance == result.value("popsci_activities", "2024").provenance
    assert result.value("popsci_key_share", "2024").provenance is None  # key=1 list ≠ all-activities list


def test_a_plain_and_of_lookups_in_a_q_still_gets_a_link(monkeypatch, records, tree, access_of):
    fake = Indicator(
        "fake_q",
        "占位",
        "场次",
        Kind.FLOW,
        Aggregate("activity", filters=Q(activity_type__code="lecture") & Q(is_key=True)),
        "测试用",
    )
    monkeypatch.setitem(registry._INDICATORS, "fake_q", fake)
    v = evaluate(access=access_of("city_admin"), indicators=["fake_q"], periods=["2024"]).value(
        "fake_q", "2024"
    )
    assert _params(v.provenance) == {
        "period": "2024",
        "unit": str(tree["city"].pk),
        "type": "lecture",
        "key": "1",
    }
    assert v.value == 1


def test_list_link_refuses_values_it_cannot_write():
    link = ListLink("/things/", params=(Param("flag", "flag", {True: "1"}), Param("code", "code")))
    assert Param("flag", "flag", {True: "1"}).encode(False) is None
    assert Param("code", "code").encode(("a", "b")) is None
    assert Param("code", "code").encode("a") == "a"
    assert Param("codes", "code", many=",").encode(("b", "a")) == "a,b"
    assert Param("codes", "code", many=",").encode(("a,b",)) is None  # the separator inside a value
    assert Param("codes", "code", many=",").encode("a") is None
    assert link.own_param is None
    target = LinkTarget(Period.parse("2024"), OrgUnit(pk=1), False, {"flag": True, "code": "x"})
    assert link(target) == "/things/?period=2024&unit=1&flag=1&code=x"
    assert link(dataclasses.replace(target, own_only=True)) is None  # no own parameter: no link
    assert link(dataclasses.replace(target, all_records=True)) is None
    both = ListLink("/things/", params=(Param("a", "x"), Param("b", "x")))
    assert both(dataclasses.replace(target, conditions={"a": "1", "b": "2"})) is None  # one name twice


# --------------------------------------------------------------------------- the real list page


def _page_links(records, access_of, breakdown) -> list:
    result = evaluate(
        access=access_of("city_admin"), indicators=ALL_CODES, periods=PERIODS, by="child", breakdown=breakdown
    )
    return [v for v in result if v.provenance]


@pytest.mark.parametrize("breakdown", [None, "type", "campaign", "target"])
def test_the_activities_list_page_shows_the_same_records(
    records, tree, access_of, login, breakdown, sample_rng
):
    """Follow links of a by-child result (with and without a breakdown) with the test client, every
    kind of link at least once: the page lists exactly the records behind the value (rows counted by
    the list's own query, not by the engine), and its totals equal the value for counts and
    participant sums."""
    path = reverse("activities:list")
    client = login("city_admin")
    values = _page_links(records, access_of, breakdown)
    assert len(values) > 50
    values = _each_kind_of_link(values, sample_rng)
    seen: dict[str, tuple] = {}
    for v in values:
        if v.provenance.startswith("/orgs/"):  # org units: the org list, its own query
            if v.provenance not in seen:
                response = client.get(v.provenance)
                assert response.status_code == 200, v.provenance
                seen[v.provenance] = (response.context["results"].paginator.count,)
            assert seen[v.provenance][0] == v.value, v.provenance
            continue
        assert v.provenance.startswith(path)
        if v.provenance not in seen:
            response = client.get(v.provenance)
            assert response.status_code == 200, v.provenance
            page = response.context["page"]
            seen[v.provenance] = (page.paginator.count, response.context["totals"], set(_pks(page)))
        rows, totals, pks = seen[v.provenance]
        measure, _ = SPEC[v.code]
        code = measure[2] if isinstance(measure, tuple) and measure[0] == "ratio" else v.code
        counted = behind(code, records, v.period, v.unit.path, own_only=v.own_only, dim=breakdown, key=v.key)
        assert rows == totals["count"] == len(counted), v.provenance
        assert totals["participants"] == sum(r.participants for r in counted), v.provenance
        if rows <= 25:
            assert pks == {r.pk for r in counted}, v.provenance
        if measure == "count":
            assert v.value == rows, v.provenance
        elif measure == "participants":
            assert v.value == totals["participants"], v.provenance


def _each_kind_of_link(values, rng) -> list:
    """Two links of each kind. A link's kind is its list page and the names of its filters but unit
    and period, each value reduced to what the page's code tells apart (0 or 1, "none", "any",
    several codes, one code): type=lecture and type=exhibition go through the same filter. The
    first of a kind links to a non-empty list where one exists (an empty list agrees with any filter);
    the second is any link of that kind: another unit, period or member. Drawn with the run's seed
    (pytest's header prints it). Following three links of each filter *value* (≈ 530 pages a
    breakdown, and growing with every indicator and member) proved no more:
    test_every_link_lists_exactly_the_records_counted checks every link against the restated
    contract, without HTTP."""

    def kind(x: str) -> str:
        return x if x in ("0", "1", "none", "any") else ("many" if "," in x else "one")

    kinds: dict[tuple, list] = {}
    for v in values:
        url = urlsplit(v.provenance)
        names = tuple(
            sorted(
                (k, kind(x[0])) for k, x in parse_qs(url.query).items() if k not in ("unit", "period", "at")
            )
        )
        kinds.setdefault((url.path, names), []).append(v)
    kept = []
    for links in kinds.values():
        first = rng.choice([v for v in links if v.value] or links)
        kept += [first, rng.choice(links)]
    return kept


def _pks(page):
    return [a.pk for a in page.object_list]
