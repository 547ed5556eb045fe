"""The activity line finished (issue 9 item 4): people reached beside person-times, sessions of one
event, series with editions, materials handed out, and the indicators on them and on the types,
target groups and campaigns reports name — each from form, import and export to a checked figure."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from kexie.activities import services
from kexie.activities.importers import ACTIVITY_SPEC, parse_edition
from kexie.activities.models import Activity
from kexie.core.errors import DomainError
from kexie.indicators.engine import evaluate
from kexie.registries.models import Facility
from tests.activities.test_import import HEADER, SHEET, error_at, row
from tests.imports.helpers import write_xlsx
from tests.indicators.helpers import behind, expected, listed, make_activities

D = dt.date
NEW_CODES = [
    "popsci_beneficiaries",
    "academic_sessions",
    "series_editions",
    "series_participants",
    "materials_copies",
    "materials_kinds",
    "volunteer_service_activities",
    "volunteer_service_beneficiaries",
    "popsci_contests",
    "caravan_activities",
    "mobile_museum_activities",
    "training_participants",
    "farmer_activities",
    "farmer_participants",
    "science_day_month_participants",
    "museum_activities",
    "mobile_facility_activities",
]
RECORDS_ONLY = {
    "series_editions",
    "series_participants",
    "farmer_activities",
    "farmer_participants",
    "museum_activities",
    "mobile_facility_activities",
}
FILTERS_ON_DIMENSION = {
    ("campaign", "science_day_month_participants"),
    ("target", "farmer_activities"),
    ("target", "farmer_participants"),
    ("facility", "museum_activities"),
    ("facility", "mobile_facility_activities"),
}
SERIES = "全市职工乒乓球赛"


@pytest.fixture
def facilities(tree):
    def make(unit, kind, name):
        return Facility.objects.create(org_unit=tree[unit], kind=kind, name=name)

    return {
        "museum": make("city", "museum", "安庆市科技馆"),
        "caravan": make("county", "caravan", "怀宁县科普大篷车"),
        "mobile": make("city", "mobile_museum", "安庆市流动科技馆"),
    }


@pytest.fixture
def line_records(tree, facilities):
    """Activities exercising every new field and indicator, in and out of the counted set."""
    t, f = tree, facilities
    return make_activities(
        [
            # 年会: one academic event of 12 sessions (7 主题报告 + 5 工作坊)
            dict(unit=t["society"], type="academic", day=D(2024, 11, 8), participants=600, sessions=12),
            dict(unit=t["county"], type="academic", day=D(2024, 4, 2), participants=90, sessions=3),
            # a series: the 6th and 7th 乒乓球赛 in two years, and another series
            dict(
                unit=t["county"],
                type="contest",
                day=D(2023, 5, 1),
                participants=180,
                beneficiaries=150,
                series=SERIES,
                edition=6,
            ),
            dict(
                unit=t["county"],
                type="contest",
                day=D(2024, 5, 1),
                participants=220,
                beneficiaries=160,
                series=SERIES,
                edition=7,
            ),
            dict(
                unit=t["township"],
                type="contest",
                day=D(2024, 6, 1),
                participants=40,
                series="高河镇青少年科技节",
                edition=2,
                campaign="st_week",
            ),
            dict(
                unit=t["township"],
                type="consultation",
                day=D(2024, 9, 18),
                participants=300,
                beneficiaries=260,
                materials_copies=500,
                materials_kinds=4,
                targets=["farmers"],
                campaign="science_day",
            ),
            dict(
                unit=t["county2"],
                type="training",
                day=D(2024, 3, 5),
                participants=75,
                beneficiaries=25,  # three sessions of the same 25 trainees
                targets=["farmers", "workers"],
            ),
            dict(unit=t["county2"], type="volunteer", day=D(2024, 7, 9), participants=60, beneficiaries=60),
            dict(
                unit=t["county"],
                type="caravan",
                day=D(2024, 10, 12),
                participants=900,
                materials_copies=300,
                facility=f["caravan"],
            ),
            # the 科技馆's own shows, and the city's 流动科技馆 at a township
            dict(
                unit=t["city"], type="exhibition", day=D(2024, 2, 10), participants=400, facility=f["museum"]
            ),
            dict(unit=t["city"], type="lecture", day=D(2024, 8, 3), participants=150, facility=f["museum"]),
            dict(
                unit=t["township"],
                type="mobile_museum",
                day=D(2024, 9, 20),
                participants=700,
                facility=f["mobile"],
            ),
            dict(
                unit=t["county"],
                type="mobile_museum",
                day=D(2025, 9, 12),
                participants=3000,
                campaign="science_month",
            ),
            # not counted: planned, and the other city's
            dict(unit=t["county"], type="caravan", day=D(2024, 12, 1), participants=50, status="planned"),
            dict(
                unit=t["other_county"], type="volunteer", day=D(2024, 7, 9), participants=10, beneficiaries=10
            ),
        ]
    )


@pytest.mark.parametrize("source", ["facts", "records"])
@pytest.mark.parametrize("breakdown", [None, "type", "campaign", "target", "series", "facility"])
def test_every_new_indicator_matches_its_independent_restatement(
    line_records, tree, access_of, source, breakdown
):
    periods = ["2024", "2023..2025", "2024Q3"]
    codes = NEW_CODES
    if source == "facts":
        # series and target groups are not fact dimensions: those figures come from the records
        codes = [c for c in NEW_CODES if c not in RECORDS_ONLY]
        if breakdown in ("target", "series", "facility"):
            source = "auto"
    result = evaluate(
        access=access_of("city_admin"),
        indicators=codes,
        periods=periods,
        by="child",
        breakdown=breakdown,
        source=source,
    )
    checked = 0
    for v in result:
        kw = {"own_only": v.own_only, "dim": breakdown, "key": v.key}
        assert v.value == expected(v.code, line_records, v.period, v.unit.path, **kw), (
            v.code,
            str(v.period),
            v.label,
            v.key,
        )
        checked += 1
    assert checked > 100


def test_every_new_figure_links_to_exactly_its_records(line_records, access_of):
    for breakdown in (None, "campaign", "target", "series", "facility"):
        result = evaluate(
            access=access_of("city_admin"),
            indicators=NEW_CODES,
            periods=["2024", "2023..2025"],
            by="child",
            breakdown=breakdown,
        )
        for v in result:
            if v.provenance is None:
                # only where the indicator filters the breakdown's own dimension: a member outside its
                # campaigns, or "农民" and "产业工人", are two conditions on one list parameter (and
                # "in a series" has nothing "not in a series": 0, nothing to list)
                assert (breakdown, v.code) in FILTERS_ON_DIMENSION or (v.key == "" and v.value == 0), (
                    v.code,
                    v.label,
                    v.key,
                )
                continue
            shown = {r.pk for r in listed(v.provenance, line_records)}
            counted = behind(
                v.code, line_records, v.period, v.unit.path, own_only=v.own_only, dim=breakdown, key=v.key
            )
            assert shown == {r.pk for r in counted}, (v.code, v.label, v.key)


def test_one_annual_meeting_of_twelve_sessions_is_one_academic_event(line_records, tree, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["academic_activities", "academic_sessions"],
        periods=["2024-11"],
    )
    assert result.value("academic_activities", "2024-11").value == 1
    assert result.value("academic_sessions", "2024-11").value == 12


def test_a_series_counts_its_editions_and_people_over_the_years(line_records, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["series_editions", "series_participants"],
        periods=["2021..2025"],
        breakdown="series",
    )
    by_key = {(v.code, v.key): v.value for v in result if v.unit.path == result.unit.path and not v.own_only}
    assert by_key[("series_editions", SERIES)] == 2
    assert by_key[("series_participants", SERIES)] == 180 + 220
    assert by_key[("series_editions", "高河镇青少年科技节")] == 1


def test_people_reached_and_person_times_never_mix(line_records, access_of):
    result = evaluate(
        access=access_of("city_admin"), indicators=["popsci_beneficiaries", "participants"], periods=["2024"]
    )
    # the training: 75 person-times, 25 people; planned and other-city activities count nowhere
    assert result.value("popsci_beneficiaries", "2024").value == 160 + 260 + 25 + 60
    assert result.value("participants", "2024").value == (
        600 + 90 + 220 + 40 + 300 + 75 + 60 + 900 + 400 + 150 + 700
    )


# ---- the rules, shared by the form and the import ------------------------------------------------


def test_more_people_than_person_times_is_refused_with_the_reason(make_data, access_of):
    errors = services.validate_activity_data(
        make_data(participants=100, beneficiaries=120), access=access_of("county_filler")
    )
    assert "受益人数（120人）不能多于参与人次（100人次）" in errors["beneficiaries"]


def test_an_edition_needs_its_series_and_sessions_start_at_one(make_data, access_of):
    access = access_of("county_filler")
    errors = services.validate_activity_data(make_data(edition=7, sessions=0), access=access)
    assert "请同时填写系列活动名称" in errors["edition"]
    assert "分场场次至少为1" in errors["sessions"]


def test_the_service_stores_the_new_fields_and_an_empty_series_as_none(make_data, access_of, people):
    activity = services.activity_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        data=make_data(
            beneficiaries=80,
            sessions=2,
            series=f" {SERIES} ",
            edition=7,
            materials_copies=300,
            materials_kinds=3,
        ),
    )
    activity.refresh_from_db()
    assert (activity.beneficiaries, activity.sessions, activity.series, activity.edition) == (
        80,
        2,
        SERIES,
        7,
    )
    assert (activity.materials_copies, activity.materials_kinds) == (300, 3)
    other = services.activity_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        data=make_data(title="另一场", series=""),
    )
    assert Activity.objects.get(pk=other.pk).series is None
    with pytest.raises(DomainError):
        services.activity_create(
            access=access_of("county_filler"),
            actor=people["county_filler"],
            data=make_data(title="第三场", participants=10, beneficiaries=11),
        )


@pytest.mark.parametrize(
    ("text", "value"), [("7", 7), ("第七届", 7), ("第7届", 7), ("第十二届", 12), ("", None), ("七届", 7)]
)
def test_an_edition_is_read_as_written_in_a_ledger(text, value):
    assert parse_edition(text) == value


def test_an_unreadable_edition_gets_a_message():
    assert "届次“首届以后”无法识别" in parse_edition("首届以后")


# ---- import, export, form --------------------------------------------------------------------------

NEW_HEADER = [
    *HEADER,
    "受益人数",
    "分场场次",
    "系列活动",
    "届次",
    "发放科普资料（份/册）",
    "科普资料种类（种）",
]


def new_row(extra: list, **over) -> list:
    return [*row(**over), *extra]


def test_an_import_reads_the_new_columns(tmp_path, tree, upload, commit):
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        [
            new_row([100, 1, SERIES, "第七届", 200, 3], 活动名称="第七届职工乒乓球赛", 活动类型="竞赛"),
            new_row([None, 12, None, None, None, None], 活动名称="学会学术年会", 活动类型="学术会议/论坛"),
        ],
        header=NEW_HEADER,
        sheet=SHEET,
    )
    batch = commit("county_filler", upload("county_filler", path))
    assert batch.status == "committed", batch.errors
    contest = Activity.objects.get(title="第七届职工乒乓球赛")
    assert (contest.beneficiaries, contest.series, contest.edition) == (100, SERIES, 7)
    assert (contest.materials_copies, contest.materials_kinds) == (200, 3)
    meeting = Activity.objects.get(title="学会学术年会")
    assert (meeting.sessions, meeting.beneficiaries, meeting.series, meeting.edition) == (12, 0, None, None)


def test_a_bad_edition_or_too_many_people_names_row_and_column(tmp_path, tree, upload):
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        [
            new_row([None, 1, SERIES, "第N届", None, None]),
            new_row([500, 1, None, None, None, None], 活动名称="第二场", 参与人次=120),
        ],
        header=NEW_HEADER,
        sheet=SHEET,
    )
    batch = upload("county_filler", path)
    error_at(batch, row=2, column="届次", fragment="届次“第N届”无法识别")
    error_at(batch, row=3, column="受益人数", fragment="不能多于参与人次")


def test_the_export_carries_the_new_columns_and_reimports(tree, login, people, make_data, access_of):
    services.activity_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        data=make_data(beneficiaries=90, series=SERIES, edition=7, materials_copies=40, materials_kinds=2),
    )
    response = login("county_filler").get("/activities/export.xlsx?period=2024")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "活动名称")
    header, data = rows[header_at], rows[header_at + 1]
    assert header[: len(ACTIVITY_SPEC.columns)] == [c.label for c in ACTIVITY_SPEC.columns]
    got = dict(zip(header, data, strict=False))
    assert (got["受益人数"], got["系列活动"], got["届次"]) == (90, SERIES, 7)
    assert (got["发放科普资料（份/册）"], got["科普资料种类（种）"], got["分场场次"]) == (40, 2, 1)


def test_the_form_saves_the_new_fields_and_explains_a_mistake(tree, login):
    from tests.activities.test_views import form_data

    client = login("county_filler")
    response = client.post(
        "/activities/new/",
        form_data(tree, beneficiaries="500", participants="80", sessions="", series="", edition=""),
    )
    assert response.status_code == 400
    assert "受益人数（500人）不能多于参与人次（80人次）" in response.content.decode()
    response = client.post(
        "/activities/new/",
        form_data(tree, beneficiaries="60", sessions="3", series=SERIES, edition="7", materials_copies="100"),
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="高河镇防灾减灾讲座")
    assert (activity.beneficiaries, activity.sessions, activity.series, activity.edition) == (
        60,
        3,
        SERIES,
        7,
    )
    assert activity.materials_copies == 100
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert f'data-field="series">{SERIES}<' in page
    assert 'data-field="edition">7<' in page


def test_the_list_filters_by_series_and_by_any_campaign(line_records, tree, login):
    client = login("city_admin")
    page = client.get("/activities/", {"period": "2021..2025", "series": SERIES})
    assert page.context["totals"]["count"] == 2
    page = client.get("/activities/", {"period": "2024", "campaign": "any"})
    assert page.context["totals"]["count"] == 2  # the 科技周 contest and the 科普日 consultation


# ---- the venue or mobile unit that held an activity ------------------------------------------------


def test_a_museums_own_shows_are_its_own_figure(line_records, facilities, access_of):
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["museum_activities", "mobile_facility_activities", "popsci_activities"],
        periods=["2024"],
    )
    assert result.value("museum_activities", "2024").value == 2  # not all 科普活动 of the city
    assert result.value("mobile_facility_activities", "2024").value == 2  # the 大篷车 and 流动科技馆
    assert result.value("popsci_activities", "2024").value > 2
    per = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_activities"],
        periods=["2024"],
        breakdown="facility",
    )
    by_key = {v.key: v.value for v in per if v.unit == per.unit and not v.own_only}
    assert by_key[facilities["museum"].pk] == 2


def test_a_facility_must_belong_to_the_organiser_or_a_unit_above_or_below(
    tree, facilities, make_data, access_of
):
    other = Facility.objects.create(org_unit=tree["county2"], kind="caravan", name="桐城市科普大篷车")
    errors = services.validate_activity_data(make_data(facility=other), access=access_of("city_admin"))
    assert "由“桐城市科学技术协会”管理，不是主办单位或其上下级单位的设施" in errors["facility"]
    closed = Facility.objects.create(
        org_unit=tree["city"], kind="museum", name="旧馆", opened_on=D(2010, 1, 1), closed_on=D(2024, 1, 1)
    )
    errors = services.validate_activity_data(make_data(facility=closed), access=access_of("county_filler"))
    assert "已于2024年01月01日停用" in errors["facility"]
    assert "facility" not in services.validate_activity_data(
        make_data(facility=facilities["mobile"]), access=access_of("county_filler")
    )


def test_an_import_names_the_facility_and_the_list_filters_by_its_kind(
    tree, facilities, tmp_path, upload, commit, login
):
    header = [*HEADER, "举办场馆/流动设施"]
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        [
            [*row(活动名称="大篷车进校园", 活动类型="科普大篷车"), "怀宁县科普大篷车"],
            [*row(活动名称="无此设施"), "不存在的馆"],
        ],
        header=header,
        sheet=SHEET,
    )
    batch = upload("county_filler", path)
    error_at(batch, row=3, column="举办场馆/流动设施", fragment="找不到名为“不存在的馆”的场馆或流动设施")
    path = write_xlsx(
        tmp_path / "台账2.xlsx",
        [[*row(活动名称="大篷车进校园", 活动类型="科普大篷车"), "怀宁县科普大篷车"]],
        header=header,
        sheet=SHEET,
    )
    batch = commit("county_filler", upload("county_filler", path))
    assert batch.status == "committed", batch.errors
    assert Activity.objects.get(title="大篷车进校园").facility == facilities["caravan"]
    client = login("county_filler")
    page = client.get("/activities/", {"period": "2024", "facility_kind": "caravan,mobile_museum"})
    assert page.context["totals"]["count"] == 1
    page = client.get("/activities/", {"facility_kind": "rocket"})
    assert "设施类型“rocket”无效" in page.content.decode()
