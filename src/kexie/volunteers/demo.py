"""Demo volunteering for the demo city (安庆市): a city 科技志愿服务总队 and county 大队, their rosters, and
service hours at the demo's held activities — most confirmed by the team unit's 审核员, some waiting.

`add_demo_volunteers()` is idempotent and does nothing without the demo tree or its activities.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kexie.activities.models import Activity
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for, subtree_q
from kexie.volunteers import services
from kexie.volunteers.models import Team
from kexie.workflows.services import transition

D = dt.date
CITY = "340800"
NAMES = (
    "方明远", "程晓燕", "汪建国", "章丽华", "潘志强", "吕秀英", "江海涛", "殷春梅", "储卫东", "檀玉兰", "操立新",
    "查淑珍", "疏文斌", "鲍小红",
)  # fmt: skip
SPECIALTIES = ("农业技术", "医疗卫生", "应急救护", "科普讲解", "信息技术", "气象防灾", "中小学教育")


def _member(unit: OrgUnit, role: str):
    return Membership.objects.filter(org_unit=unit, role=role).select_related("user").first()


def add_demo_volunteers() -> tuple[int, int, int]:
    """(teams, volunteers' roster lines, service records) added."""
    city = OrgUnit.objects.filter(code=CITY).first()
    admin = (
        Membership.objects.filter(role=Role.SYSADMIN, org_unit__depth=1).select_related("user").first()
        if city
        else None
    )
    if city is None or admin is None or Team.objects.filter(org_unit=city).exists():
        return 0, 0, 0
    if timezone.localdate() < D(
        2021, 8, 2
    ):  # the rosters run from 2021-03-05 to 2021-07-03: not yet happened
        return 0, 0, 0
    access, actor = access_for(admin.user, admin.pk), admin.user
    # the city, the demo's county with logins (怀宁县: its 审核员 confirms) and one more county
    counties = OrgUnit.objects.get_children(city).filter(org_type="county")
    units = [city, *counties.filter(code="340822"), *counties.exclude(code="340822").order_by("path")[:1]]
    teams = members = records = 0
    for n, unit in enumerate(units):
        short = (unit.short_name or unit.name).replace("科学技术协会", "").replace("科协", "")
        team = services.team_create(
            access=access, actor=actor,
            data=services.TeamData(
                org_unit=unit, name=f"{short}科技志愿服务{'总队' if unit == city else '大队'}", kind="association",
                flagged_on=D(2021, 3, 5), region_code=unit.region_code or "",
            ),
        )  # fmt: skip
        teams += 1
        roster = []
        for i in range(5):
            name = NAMES[(n * 5 + i) % len(NAMES)]
            roster.append(
                services.member_create(
                    access=access,
                    actor=actor,
                    data=services.MemberData(
                        team=team,
                        name=name,
                        joined_on=D(2021, 3, 5) + dt.timedelta(days=30 * i),
                        specialty=SPECIALTIES[(n + i) % len(SPECIALTIES)],
                        duty="队长" if i == 0 else "队员",
                    ),
                )
            )
            members += 1
        confirmer = _member(unit, Role.REVIEWER) or _member(unit, Role.ADMIN)
        held = Activity.objects.filter(subtree_q(unit.path, via="org_unit"), status=Activity.Status.HELD)
        volunteer_type = held.filter(activity_type__code="volunteer")
        held = volunteer_type if volunteer_type.exists() else held
        activities = []  # two a year, 2022 to 2025, so that yearly and five-year figures have hours
        for year in range(2022, 2026):
            activities += list(held.filter(start_date__year=year).order_by("start_date", "pk")[:2])
        for j, activity in enumerate(activities):
            for k, member in enumerate(roster[: 2 + j % 3]):
                if activity.start_date < member.joined_on:
                    continue
                record = services.service_create(
                    access=access, actor=actor,
                    data=services.ServiceData(member=member, activity=activity, hours=Decimal(2 + (j + k) % 5)),
                )  # fmt: skip
                records += 1
                if confirmer is not None and (j + k) % 6:
                    transition(access=access_for(confirmer.user, confirmer.pk), obj=record, code="confirm")
    return teams, members, records


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: the demo teams, rosters and service hours, with one summary line."""
    teams, members, records = add_demo_volunteers()
    return (
        f"演示科技志愿服务：{teams}支服务队、{members}名队员、{records}条服务时长记录（多数已由服务队确认）"
    )
