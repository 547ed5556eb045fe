"""Provenance: every linked figure links to a list of exactly the records it was computed from."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db.models import Q
from django.urls import reverse

from kexie.indicators import registry
from kexie.indicators.engine import evaluate
from kexie.indicators.registry import NO_MEMBER, Aggregate, Indicator, Kind, ListLink, Param
from tests.indicators.helpers import SPEC, behind, listed

ALL_CODES = [i.code for i in registry.indicators()]
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
    for v in result:
        if v.provenance is None:
            continue
        linked += 1
        measure, _ = SPEC[v.code]
        code = measure[2] if isinstance(measure, tuple) and measure[0] == "ratio" else v.code
        counted = behind(code, records, v.period, v.unit.path, own_only=v.own_only, dim=breakdown, key=v.key)
        shown = listed(v.provenance, records)
        assert {r.pk for r in shown} == {r.pk for r in counted}, (v.code, v.period, v.label, v.key)
        if measure == "count":
            assert v.value == len(shown)
        elif isinstance(measure, str):
            assert v.value == sum(getattr(r, measure) for r in shown)
    assert linked > 100


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("popsci_major_activities", "participants ≥ 1000 has no list parameter"),
        ("science_day_month_activities", "two campaigns at once has no list parameter"),
    ],
)
def test_filters_the_list_cannot_express_get_no_link(records, access_of, code, why):
    result = evaluate(access=access_of("city_admin"), indicators=[code], periods=["2024"], by="child")
    assert all(v.provenance is None for v in result), why
    assert result.value(code, "2024").value is not None


def test_own_level_figures_get_no_link_until_the_list_can_show_own_records(records, access_of):
    result = evaluate(
        access=access_of("city_admin"), indicators=["popsci_activities"], periods=["2025"], by="child"
    )
    own = result.own("popsci_activities", "2025")
    assert own.value == 1
    assert own.provenance is None


def test_members_without_a_value_and_contradictions_get_no_link(records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities", "popsci_lectures"],
        periods=["2024"],
        breakdown="type",
    )
    assert result.value("popsci_lectures", "2024", key="lecture").provenance is not None
    contradiction = result.value("popsci_lectures", "2024", key="exhibition")
    assert (contradiction.value, contradiction.provenance) == (0, None)
    campaigns = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities"],
        periods=["2024"],
        breakdown="campaign",
    )
    assert campaigns.value("popsci_activities", "2024", key=NO_MEMBER).provenance is None


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
    assert link.own_param is None


# --------------------------------------------------------------------------- the real list page


def _list_page_or_skip() -> str:
    return reverse("activities:list")  # provenance links must land on the mounted list page


def _page_links(records, access_of, academic: str) -> list:
    result = evaluate(
        access=access_of("city_admin"), indicators=ALL_CODES, periods=PERIODS, by="child", breakdown="target"
    )
    return [v for v in result if v.provenance and _params(v.provenance).get("academic", "") == academic]


@pytest.mark.parametrize("academic", ["", "1", "0"])
def test_the_activities_list_page_shows_the_same_records(records, tree, access_of, login, academic):
    """Fetch each linked list with the test client and compare the totals the page shows."""
    path = _list_page_or_skip()
    client = login("city_admin")
    values = _page_links(records, access_of, academic)
    assert values
    for v in values:
        assert v.provenance.startswith(path)
        response = client.get(v.provenance)
        assert response.status_code == 200, v.provenance
        totals = response.context["totals"]
        measure, _ = SPEC[v.code]
        code = measure[2] if isinstance(measure, tuple) and measure[0] == "ratio" else v.code
        counted = behind(code, records, v.period, v.unit.path, own_only=v.own_only, dim="target", key=v.key)
        assert totals["count"] == len(counted), v.provenance
        assert totals["participants"] == sum(r.participants for r in counted), v.provenance
