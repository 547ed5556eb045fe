"""Demo activities: a few thousand real-looking 科普 and academic activities organised by the demo's
cities, counties, townships and side units, 2021 up to today, so that the dashboard, the activity
list and the generated reports have something to show after `scripts/run.sh`.

Deterministic (a seeded random generator): the same demo gives the same figures. Written with
`bulk_create` (the demo is built once, into an empty database) and then the fact table is rebuilt
from the records, as for any write around the services.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.orgs.models import OrgType, OrgUnit

FIRST_YEAR = 2021
CHANGE_REASON = "加载演示数据"
SEED = 2026

# activities a year per organiser, by the kind of unit
PER_YEAR = {
    OrgType.MUNICIPAL: 36,
    OrgType.COUNTY: 16,
    OrgType.TOWNSHIP: 3,
    OrgType.SUBDISTRICT: 3,
    OrgType.SOCIETY: 6,
    OrgType.UNIVERSITY: 5,
    OrgType.ENTERPRISE: 2,
    OrgType.PARK: 2,
    OrgType.RURAL_TECH: 2,
}
TYPE_WEIGHTS = {
    "lecture": 30,
    "exhibition": 10,
    "contest": 6,
    "consultation": 12,
    "training": 14,
    "open_day": 4,
    "caravan": 5,
    "mobile_museum": 2,
    "livestream": 5,
    "academic": 6,
    "volunteer": 9,
    "other": 2,
}
ACADEMIC_UNITS = {OrgType.SOCIETY, OrgType.UNIVERSITY}
# (campaign code, month, first day, last day) — when the campaign's activities happen
CAMPAIGN_WINDOWS = {
    "st_spring": (3, 1, 31),
    "meteorology_day": (3, 20, 26),
    "disaster_day": (5, 8, 16),
    "st_week": (5, 18, 28),
    "workers_day": (5, 26, 31),
    "environment_day": (6, 1, 8),
    "science_day": (9, 12, 25),
    "science_month": (9, 1, 30),
}
TOPICS = {
    "lecture": ["健康生活", "防范电信诈骗", "人工智能与生活", "食品安全", "心理健康", "节能低碳", "应急避险"],
    "exhibition": ["航天科技", "生态文明", "科技强国", "非遗中的科学", "防灾减灾"],
    "contest": ["青少年科技创新大赛", "科普知识竞赛", "青少年机器人竞赛", "无人机挑战赛"],
    "consultation": ["科技下乡", "专家义诊", "农业技术咨询", "科普惠民"],
    "training": ["农村实用技术", "电商直播技能", "茶叶种植技术", "水产养殖技术", "科普讲解员"],
    "open_day": ["科技馆", "气象台", "实验室", "地震台"],
    "caravan": ["科普大篷车进校园", "科普大篷车进乡村", "科普大篷车进社区"],
    "mobile_museum": ["流动科技馆巡展"],
    "livestream": ["科普直播课", "专家在线访谈"],
    "academic": ["学术年会", "青年科技论坛", "产业技术论坛", "院士专家报告会"],
    "volunteer": ["科技志愿服务", "科普志愿者进社区", "科技助老"],
    "other": ["科普主题活动"],
}
TYPE_TARGETS = {
    "contest": ["youth"],
    "caravan": ["youth", "farmers"],
    "training": ["farmers", "workers"],
    "consultation": ["farmers", "elderly", "residents"],
    "volunteer": ["elderly", "residents"],
}


def _participants(rng: random.Random, type_code: str, is_key: bool) -> int:
    median = {"lecture": 120, "exhibition": 900, "contest": 200, "caravan": 600, "mobile_museum": 3000}
    base = median.get(type_code, 150) * (4 if is_key else 1)
    return max(8, int(rng.lognormvariate(math.log(base), 0.7)))


def _day(rng: random.Random, year: int, last: dt.date) -> dt.date | None:
    start = dt.date(year, 1, 1)
    span = (min(dt.date(year, 12, 31), last) - start).days
    if span < 0:
        return None
    return start + dt.timedelta(days=rng.randint(0, span))


MATERIAL_TYPES = {"consultation", "exhibition", "caravan", "mobile_museum", "volunteer"}


def _extras(unit: OrgUnit, type_code: str, year: int, people: int, series_years: set) -> dict:
    """The later fields, derived from values already drawn (no extra random draws: the demo stays
    the same activity for activity as before they existed)."""
    offline = 0 if type_code == "livestream" else people
    extras = {
        "beneficiaries": offline * 7 // 10,  # some came more than once
        "sessions": 1 + people % 12 if type_code == "academic" else 1,
        "materials_copies": people // 2 if type_code in MATERIAL_TYPES else 0,
        "materials_kinds": 1 + people % 5 if type_code in MATERIAL_TYPES else 0,
    }
    if type_code == "contest" and (unit.pk, year) not in series_years:  # one edition a year
        series_years.add((unit.pk, year))
        extras["series"] = f"{unit.short_name or unit.name}青少年科技创新大赛"
        extras["edition"] = year - FIRST_YEAR + 1
    return extras


def build_demo_activities(*, today: dt.date | None = None) -> Counter:
    """Creates the demo activities when there are none; returns how many per organiser type."""
    today = today or timezone.localdate()
    created: Counter = Counter()
    with transaction.atomic():
        if Activity.objects.exists():
            return created
        types = {t.code: t for t in ActivityType.objects.all()}
        campaigns = {c.code: c for c in Campaign.objects.filter(org_unit__isnull=True)}
        groups = {g.code: g for g in TargetGroup.objects.all()}
        rng = random.Random(SEED)
        units = list(
            OrgUnit.objects.filter(org_type__in=list(PER_YEAR), active_to__isnull=True).order_by("path")
        )
        rows: list[Activity] = []
        targets: list[list[str]] = []
        series_years: set = set()
        for unit in units:
            codes = [c for c in TYPE_WEIGHTS if unit.org_type in ACADEMIC_UNITS or c != "academic"]
            weights = [TYPE_WEIGHTS[c] * (6 if c == "academic" else 1) for c in codes]
            activity = rng.lognormvariate(0, 0.45)  # some units are busier than others, every year
            for year in range(FIRST_YEAR, today.year + 1):
                growth = 1 + 0.08 * (year - FIRST_YEAR)  # and the work grows a little every year
                for n in range(round(PER_YEAR[unit.org_type] * activity * growth * rng.uniform(0.8, 1.2))):
                    type_code = rng.choices(codes, weights)[0]
                    campaign = None
                    day = _day(rng, year, today)
                    if day is None:
                        continue
                    if rng.random() < 0.45:  # campaign activities cluster in the campaign's window
                        fitting = [
                            c for c in campaigns.values() if c.valid_in(year) and c.code in CAMPAIGN_WINDOWS
                        ]
                        campaign = rng.choice(fitting)
                        month, first, last = CAMPAIGN_WINDOWS[campaign.code]
                        day = dt.date(year, month, rng.randint(first, last))
                        if day > today:
                            continue
                    is_key = rng.random() < (0.25 if unit.org_type == OrgType.MUNICIPAL else 0.08)
                    people = _participants(rng, type_code, is_key)
                    online = type_code == "livestream" or rng.random() < 0.1
                    topic = rng.choice(TOPICS[type_code])
                    prefix = f"{campaign.name}·" if campaign else ""
                    length = (
                        rng.randint(0, 6) if type_code in {"exhibition", "mobile_museum", "caravan"} else 0
                    )
                    rows.append(
                        Activity(
                            org_unit=unit,
                            title=f"{prefix}{unit.short_name or unit.name}{topic}（{year}年第{n + 1}期）"[
                                :200
                            ],
                            activity_type=types[type_code],
                            campaign=campaign,
                            start_date=day,
                            end_date=min(day + dt.timedelta(days=length), dt.date(year, 12, 31)),
                            region_code=unit.region_code,
                            venue=f"{unit.short_name or unit.name}科普活动中心",
                            mode=Activity.Mode.ONLINE if type_code == "livestream" else Activity.Mode.OFFLINE,
                            participants=0 if type_code == "livestream" else people,
                            online_views=people * rng.randint(5, 40) if online else 0,
                            sci_workers=max(1, people // rng.randint(15, 40)),
                            volunteers=rng.randint(0, 20),
                            is_key=is_key,
                            status=Activity.Status.HELD if day <= today else Activity.Status.PLANNED,
                            description="",
                            **_extras(unit, type_code, year, people, series_years),
                        )
                    )
                    targets.append(TYPE_TARGETS.get(type_code, ["residents"])[: rng.randint(1, 2)])
                    created[unit.get_org_type_display()] += 1
        bulk_create_with_history(rows, Activity, batch_size=2000, default_change_reason=CHANGE_REASON)
        through = Activity.target_groups.through
        saved = Activity.objects.values_list(
            "pk", "org_unit_id", "title", "start_date"
        )  # the table was empty
        pk_of = {(u, t, d): pk for pk, u, t, d in saved}
        links = [
            through(
                activity_id=pk_of[(row.org_unit_id, row.title, row.start_date)], targetgroup_id=groups[g].pk
            )
            for row, codes in zip(rows, targets, strict=True)
            for g in codes
        ]
        through.objects.bulk_create(links, batch_size=2000)
        facts.rebuild()
    return created


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: the demo activities, with one summary line."""
    created = build_demo_activities()
    return f"演示活动：{sum(created.values())}场（{FIRST_YEAR}年至今，市、县、乡镇及学会等单位主办）"
