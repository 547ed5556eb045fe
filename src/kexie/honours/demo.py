"""Demo honours on the demo tree (安庆市): a city 最美科技工作者 round of 2023 run through the whole lifecycle by
the demo users, this year's round open with nominations waiting in the 待办, a round recommending
candidates for the 省青年科技奖, and honours received upward or granted in earlier years entered directly.

`extend_demo()` is idempotent (nothing when the demo city already has honours or is missing) and
deterministic; it writes through the services and the transition mechanism as the demo's users.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kexie.honours import services
from kexie.honours.models import Award, Level, Programme
from kexie.orgs.models import TERRITORIAL_LEVEL, Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for
from kexie.workflows.services import transition

CITY = "340800"  # 安庆市
D = dt.date
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "海燕", "志强", "丽娟", "文博", "晓明", "春华", "国庆", "秀英", "学军", "玉兰", "永胜", "静怡", "德林",
         "振华", "慧敏", "红梅", "立新", "雪峰", "爱民")  # fmt: skip
EMPLOYERS = ("人民医院", "第一中学", "农业技术推广中心", "气象局", "疾病预防控制中心", "实验小学", "林业站", "中医院",
             "职业技术学院", "供电公司")  # fmt: skip


def _names():
    n = 0
    while True:
        yield SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7 + n // len(SURNAMES)) % len(GIVEN)]
        n += 1


def _member(unit: OrgUnit, role: str):
    m = Membership.objects.filter(org_unit=unit, role=role).select_related("user").order_by("pk").first()
    return (access_for(m.user, m.pk), m.user) if m else (None, None)


def _short(unit: OrgUnit) -> str:
    return (unit.short_name or unit.name).replace("科学技术协会", "").replace("科协", "")


def add_demo_honours() -> tuple[int, int]:
    """(awards, nominations) added."""
    city = OrgUnit.objects.filter(code=CITY).first()
    if city is None or Award.objects.filter(org_unit__path__startswith=city.path).exists():
        return 0, 0
    sysadmin = (
        Membership.objects.filter(role=Role.SYSADMIN).select_related("user").order_by("org_unit__depth")
    )
    admin = sysadmin.first()
    if admin is None:
        return 0, 0
    sys_access, sys_user = access_for(admin.user, admin.pk), admin.user
    counties = list(
        OrgUnit.objects.filter(
            path__startswith=city.path, depth=city.depth + 1, org_type__in=list(TERRITORIAL_LEVEL)
        ).order_by("path")
    )
    if not counties:
        return 0, 0
    p = {x.code: x for x in Programme.objects.filter(org_unit__isnull=True)}
    names = _names()
    today = timezone.localdate()
    awards = nominations = 0

    def award(unit, code, level, day, tier="", doc=""):
        nonlocal awards
        name = next(names)
        services.award_create(
            access=sys_access,
            actor=sys_user,
            data=services.AwardData(
                org_unit=unit, programme=p[code], level=level, year=day.year, awarded_on=day,
                recipient_name=name, recipient_employer=f"{_short(unit)}{EMPLOYERS[awards % len(EMPLOYERS)]}",
                tier=tier, document_no=doc or f"宜科协发〔{day.year}〕{10 + awards % 30}号",
            ),
        )  # fmt: skip
        awards += 1

    # honours of earlier years and from above, entered directly with their documents
    for year in range(2019, min(today.year, 2025)):
        for i, unit in enumerate(counties * 2):
            award(unit, "outstanding_teacher", Level.MUNICIPAL, D(year, 9, 10 - i % 3))
    for year, code, level, tier, doc in (
        (2021, "zuimei", Level.PROVINCIAL, "", "皖科协发〔2021〕20号"),
        (2022, "innovation_talent", Level.PROVINCIAL, "", "皖科协发〔2022〕31号"),
        (2022, "innovation_talent", Level.PROVINCIAL, "", "皖科协发〔2022〕31号"),
        (2023, "zuimei", Level.PROVINCIAL, "", "皖科协发〔2023〕18号"),
        (2023, "innovation_award", Level.NATIONAL, "certificate", "科协发组字〔2023〕25号"),
        (2024, "youth_st_award", Level.NATIONAL, "", "科协发组字〔2024〕12号"),
    ):
        if year < today.year:
            award(counties[year % len(counties)], code, level, D(year, 5, 30), tier, doc)

    # the city's 最美科技工作者 round of 2023, through the whole lifecycle as the demo users
    city_filler = _member(city, Role.FILLER)
    city_reviewer = _member(city, Role.REVIEWER)
    city_admin = _member(city, Role.ADMIN)
    fillers = {c.pk: _member(c, Role.FILLER) for c in counties}
    if None in (city_filler[0], city_reviewer[0], city_admin[0]) or today.year < 2024:
        return awards, 0

    # the units that nominate: the counties with a demo 填报员, and the city itself
    nominators = [c for c in counties if fillers[c.pk][0] is not None] + [city]
    fillers[city.pk] = city_filler

    def nominate(round_, unit):
        nonlocal nominations
        access, user = fillers[unit.pk]
        n = services.nomination_create(
            access=access, actor=user,
            data=services.NominationData(
                round=round_, org_unit=unit, nominee_name=next(names),
                nominee_employer=f"{_short(unit)}{EMPLOYERS[nominations % len(EMPLOYERS)]}",
                category=("科研", "科普", "技术推广")[nominations % 3],
            ),
        )  # fmt: skip
        nominations += 1
        transition(access=access, obj=n, code="recommend")
        return n

    def take(n, *codes, **data):
        for code in codes:
            who = city_admin if code in ("publicise", "select", "not_select") else city_reviewer
            transition(access=who[0], obj=n, code=code, data=data.get(code, {}))

    past = services.round_create(
        access=city_filler[0], actor=city_filler[1],
        data=services.RoundData(
            org_unit=city, programme=p["zuimei"], level=Level.MUNICIPAL, year=2023, quota=5,
            notice_no="宜科协发〔2023〕5号", notice_date=D(2023, 3, 1), deadline=D(2023, 4, 15),
            publicity_from=D(2023, 5, 15), publicity_to=D(2023, 5, 21),
        ),
    )  # fmt: skip
    for i, unit in enumerate((nominators * 7)[:7]):
        n = nominate(past, unit)
        if i < 5:
            take(n, "qualify", "shortlist")
            take(n, "publicise", publicise={"publicised_on": "2023-05-15"})
            take(n, "select", select={"document_no": "宜科协发〔2023〕21号", "decided_on": "2023-05-30"})
        elif i == 5:
            take(n, "qualify", "reject")
        else:
            transition(access=city_reviewer[0], obj=n, code="disqualify", reason="在本市工作不满两年")

    # candidates the city recommended for the 省青年科技奖 in 2024
    upward = services.round_create(
        access=city_filler[0], actor=city_filler[1],
        data=services.RoundData(
            org_unit=city, programme=p["province_youth_award"], level=Level.PROVINCIAL, year=2024, quota=3,
            notice_no="宜科协发〔2024〕7号", notice_date=D(2024, 3, 5),
        ),
    )  # fmt: skip
    for i, unit in enumerate((nominators * 3)[:3]):
        n = nominate(upward, unit)
        take(n, "qualify", "shortlist")
        take(n, "publicise", publicise={"publicised_on": "2024-04-20"})
        if i == 0:
            take(n, "select", select={"document_no": "皖青科奖〔2024〕2号", "decided_on": "2024-09-10"})
        else:
            take(n, "not_select")

    # this year's round, open: nominations waiting for the city's 审核员
    current = services.round_create(
        access=city_filler[0], actor=city_filler[1],
        data=services.RoundData(
            org_unit=city, programme=p["zuimei"], level=Level.MUNICIPAL, year=today.year, quota=5,
            notice_no=f"宜科协发〔{today.year}〕5号", notice_date=today - dt.timedelta(days=20),
        ),
    )  # fmt: skip
    for unit in (nominators * 3)[:3]:
        nominate(current, unit)
    return awards + 6, nominations


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: the demo honours and nominations, with one summary line."""
    awards, nominations = add_demo_honours()
    return f"演示人才举荐与表彰：{awards}条获奖/入选记录、{nominations}名推荐人选（安庆市）"
