"""Demo facts for the demo city (安庆市) and one of its counties, as its 2023 work report states them.

`add_demo_facts()` is idempotent and does nothing when the demo units are missing; it writes through
the service (validation, history) as the demo's first system administrator would.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kexie.facts import services
from kexie.facts.models import Fact
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for

SOURCE = "安庆市科协：在五“新”奋进中创佳绩开新局（市科协工作综述，2023年）"
DEMO_FACTS = [
    # (unit code, kind, statement, issuer, level, year, date, rank)
    (
        "340800",
        Fact.Kind.RANKING,
        "2021年“全国科技工作者日”活动浏览量全国排第9名",
        "中国科协",
        Fact.Level.NATIONAL,
        2021,
        None,
        9,
    ),
    ("340800", Fact.Kind.HONOUR, "全国科普日优秀组织单位", "中国科协", Fact.Level.NATIONAL, 2022, None, None),
    (
        "340800",
        Fact.Kind.HONOUR,
        "科技工作者优秀建议征集活动优秀组织单位（全省4家）",
        "安徽省科协",
        Fact.Level.PROVINCIAL,
        2020,
        None,
        None,
    ),
    (
        "340800",
        Fact.Kind.FIRST,
        "在全省率先开展新时代文明实践中心科技志愿服务",
        "",
        Fact.Level.PROVINCIAL,
        2021,
        None,
        None,
    ),
    (
        "340800",
        Fact.Kind.FIRST,
        "在全省率先出台在中小学开展科普活动的指导意见",
        "",
        Fact.Level.PROVINCIAL,
        2022,
        None,
        None,
    ),
    (
        "340881",
        Fact.Kind.HONOUR,
        "入选中国科协“惠民兴县”科技志愿服务试点项目（安徽省唯一）",
        "中国科协",
        Fact.Level.NATIONAL,
        2023,
        dt.date(2023, 9, 15),
        None,
    ),
]


def add_demo_facts() -> int:
    """Record the demo facts that are not there yet; returns how many were added."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={row[0] for row in DEMO_FACTS})}
    admin = (
        Membership.objects.filter(role=Role.SYSADMIN, org_unit__depth=1).select_related("user").first()
        or Membership.objects.filter(role=Role.SYSADMIN)
        .select_related("user")
        .order_by("org_unit__depth")
        .first()
    )
    if admin is None or not units:
        return 0
    access = access_for(admin.user, admin.pk)
    today = timezone.localdate()
    added = 0
    for code, kind, statement, issuer, level, year, date, rank in DEMO_FACTS:
        unit = units.get(code)
        if unit is None or Fact.objects.filter(org_unit=unit, statement=statement).exists():
            continue
        if year > today.year or (date is not None and date > today):
            continue  # a demo loaded on an earlier date has no facts from its future
        data = services.FactData(
            org_unit=unit,
            kind=kind,
            statement=statement,
            year=year,
            source=SOURCE,
            issuer=issuer,
            level=level,
            date=date,
            rank=rank,
        )
        services.fact_create(access=access, actor=admin.user, data=data)
        added += 1
    return added


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: the demo facts, with one summary line."""
    added = add_demo_facts()
    return f"演示荣誉与排名：{added}条（安庆市、桐城市，按2023年工作综述原话登记）"
