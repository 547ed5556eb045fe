"""Every contest and volunteer figure of the engine against its independent restatement
(tests/indicators/helpers.py, SPEC), over several periods and units, in total and 本级 — and the count
figures link to exactly the records they count."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from kexie.contests import services as contests
from kexie.contests.records import ENTRIES
from kexie.indicators import registry
from kexie.indicators.engine import evaluate
from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from kexie.records.filters import FilterForm, filtered
from kexie.volunteers import services as volunteers
from kexie.volunteers.records import SERVICES, TEAMS, VOLUNTEERS
from kexie.workflows.services import transition
from tests.factories import make_activity, make_user
from tests.indicators.helpers import SPEC, expected

D = dt.date
pytestmark = pytest.mark.django_db
RECORDS = ("contest_entry", "contest_member", "volunteer_team", "volunteer", "volunteer_service")
CODES = [i.code for i in registry.indicators() if getattr(i.definition, "record", "") in RECORDS]
PERIODS = ["2023", "2024", "2023..2024", "2023-05", "2023Q3", "2024-07-01..2024-07-01"]
LISTS = {
    "contest_entry": ENTRIES,
    "volunteer_team": TEAMS,
    "volunteer": VOLUNTEERS,
    "volunteer_service": SERVICES,
}


@pytest.fixture
def book(tree, people):
    """Entries of two counties and another city in 2023 and 2024 (a team, an advancement, a student in
    two rounds); teams and volunteers of two counties, one team dissolved, one volunteer cancelled;
    hours confirmed, waiting and rejected."""
    sysadmin = people["province_sysadmin"]
    a = access_for(sysadmin)
    reviewer = {
        u: make_user(f"rev_{u}", tree[u], Role.REVIEWER) for u in ("county", "county2", "other_county")
    }

    def edition(unit, level, name, day):
        return contests.edition_create(
            access=a, actor=sysadmin, data=contests.EditionData(tree[unit], name, level, day)
        )

    def entry(ed, unit, students, title, school, prize=""):
        return contests.entry_create(
            access=a,
            actor=sysadmin,
            data=contests.EntryData(ed, tree[unit], title, students, school, "junior", prize=prize),
        )

    city23 = edition("city", "municipal", "市赛2023", D(2023, 5, 20))
    prov23 = edition("city", "provincial", "省赛2023", D(2023, 8, 1))
    city24 = edition("city", "municipal", "市赛2024", D(2024, 5, 18))
    other = edition("other_city", "municipal", "池州市赛2023", D(2023, 5, 10))
    e1 = entry(city23, "county", "张明、李华", "雨水回收", "怀宁中学", "first")
    entry(city23, "county2", "王五", "桥梁", "桐城中学", "third")
    entry(city23, "city", "赵六", "市直作品", "安庆一中")
    contests.entry_set_prize(
        access=a, actor=sysadmin, entry=contests.entry_advance(access=a, actor=sysadmin, entry=e1, edition=prov23),
        prize="second",
    )  # fmt: skip
    entry(city24, "county", "张明", "第二年", "怀宁中学", "excellence")
    entry(other, "other_county", "周八", "池州作品", "贵池中学", "first")

    def team(unit, name, flagged, dissolved=None):
        return volunteers.team_create(
            access=a,
            actor=sysadmin,
            data=volunteers.TeamData(tree[unit], name, "association", flagged, dissolved_on=dissolved),
        )

    def join(t, name, day):
        return volunteers.member_create(access=a, actor=sysadmin, data=volunteers.MemberData(t, name, day))

    t1 = team("county", "怀宁大队", D(2022, 3, 5))
    t2 = team("county2", "桐城大队", D(2023, 6, 1), dissolved=D(2024, 7, 1))
    t3 = team("other_county", "贵池大队", D(2022, 1, 1))
    m1, m2 = join(t1, "甲", D(2022, 4, 1)), join(t1, "乙", D(2023, 2, 1))
    m3, m4 = join(t2, "丙", D(2023, 6, 1)), join(t3, "丁", D(2022, 1, 1))
    volunteers.volunteer_update(
        access=a,
        actor=sysadmin,
        volunteer=m2.volunteer,
        data=volunteers.VolunteerData(m2.volunteer.org_unit, "乙", D(2023, 2, 1), cancelled_on=D(2024, 3, 1)),
    )
    for member, unit, day, hours, how in (
        (m1, "county", D(2023, 5, 20), "120", "confirm"),
        (m2, "county", D(2023, 5, 20), "2.5", "confirm"),
        (m1, "county", D(2024, 7, 1), "4", "confirm"),
        (m1, "county", D(2024, 8, 1), "6", None),
        (m3, "county2", D(2023, 9, 9), "3", "reject"),
        (m3, "county2", D(2024, 5, 5), "5", "confirm"),
        (m4, "other_county", D(2023, 5, 5), "7", "confirm"),
    ):
        end = day + dt.timedelta(days=5)  # a week-long service: up to 144 hours
        activity = make_activity(
            tree[unit], f"服务{day}{hours}", day, activity_type="volunteer", status="held", end_date=end
        )
        record = volunteers.service_create(
            access=a, actor=sysadmin, data=volunteers.ServiceData(member, activity, hours)
        )
        if how:
            transition(
                access=access_for(reviewer[unit]),
                obj=record,
                code=how,
                reason="核实不符" if how == "reject" else "",
            )


def _listed(declaration, url, access) -> set[int]:
    form = FilterForm(QueryDict(urlsplit(url).query), declaration=declaration, access=access)
    assert form.is_valid(), form.errors
    return set(
        filtered(declaration, declaration.list_queryset(access=access), form.filters(), access).values_list(
            "pk", flat=True
        )
    )


def test_the_declared_figures_are_the_restated_ones(book, tree, people):
    assert set(CODES) <= set(SPEC)
    access = access_for(people["province_sysadmin"])
    for unit in ("province", "city", "county", "county2", "other_city"):
        result = evaluate(access=access, indicators=CODES, periods=PERIODS, unit=tree[unit], by="child")
        for period in PERIODS:
            for code in CODES:
                got = result.value(code, period).value or 0
                want = expected(code, [], result.periods[PERIODS.index(period)], tree[unit].path)
                assert Decimal(got) == Decimal(want), (unit, period, code)


def test_hand_counted_figures_of_the_city(book, tree, people):
    result = evaluate(access=access_for(people["city_admin"]), indicators=CODES, periods=["2023", "2024"])
    pinned = {
        "contest_entries": (4, 1),  # 雨水回收 (市、省), 桥梁, 市直作品; 2024: 第二年
        "contest_students": (4, 1),  # 张明、李华、王五、赵六 (张明 in two rounds: one person)
        "contest_student_times": (6, 1),  # the team of two in two rounds: 4, plus 王五 and 赵六
        "contest_awards_provincial": (1, 0),
        "volunteer_teams": (2, 1),  # 桐城大队 dissolved 2024-07-01
        "volunteers_registered": (3, 2),  # 乙 cancelled 2024-03-01
        "volunteer_hours": (Decimal("122.5"), Decimal(9)),  # rejected and waiting hours never count
        "volunteers_star1": (1, 1),  # 甲: 124 confirmed hours
    }
    for code, (y2023, y2024) in pinned.items():
        assert (result.value(code, "2023").value, result.value(code, "2024").value) == (y2023, y2024), code


def test_own_records_and_child_rows_match_too(book, tree, people):
    access = access_for(people["province_sysadmin"])
    result = evaluate(access=access, indicators=CODES, periods=["2023..2024"], unit=tree["city"], by="child")
    period = result.periods[0]
    for code in CODES:
        for child in ("county", "county2", "society"):
            got = result.value(code, period, child=tree[child]).value or 0
            assert Decimal(got) == Decimal(expected(code, [], period, tree[child].path)), (code, child)


def test_count_figures_link_to_exactly_their_records(book, tree, people):
    from kexie.contests.models import Entry
    from kexie.volunteers.models import ServiceRecord, Team, Volunteer

    access = access_for(people["city_admin"])
    counted = {
        "contest_awards_provincial": set(Entry.objects.filter(edition__level="provincial").exclude(prize="").values_list("pk", flat=True)),
        "contest_entries": set(Entry.objects.filter(org_unit__path__startswith=tree["city"].path, edition__held_on__year=2023).values_list("pk", flat=True)),
        "volunteer_teams": set(Team.objects.filter(name__in=["怀宁大队", "桐城大队"]).values_list("pk", flat=True)),
        "volunteers_registered": set(Volunteer.objects.filter(name__in=["甲", "乙", "丙"]).values_list("pk", flat=True)),
        "volunteer_hours": set(ServiceRecord.objects.filter(state="confirmed", served_on__year=2023, org_unit__path__startswith=tree["city"].path).values_list("pk", flat=True)),
    }  # fmt: skip
    result = evaluate(access=access, indicators=list(counted), periods=["2023"], unit=tree["city"])
    for code, pks in counted.items():
        v = result.value(code, "2023")
        record = registry.indicator(code).definition.record
        assert v.provenance, code
        assert _listed(LISTS[record], v.provenance, access) == pks, code
