"""Demo contests for the demo city (安庆市): its 2022 and 2023 青少年科技创新大赛, the provincial and national
rounds its students went on to, entries from its counties' schools with results, some advancing.

`add_demo_contests()` is idempotent, does nothing without the demo tree, and writes through the services
as the demo's first system administrator would (people found or created once, history kept).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kexie.contests import services
from kexie.contests.models import Edition
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for

D = dt.date
CITY = "340800"
# (year, municipal held_on, provincial held_on, national held_on or None)
ROUNDS = (
    (2022, D(2022, 4, 16), D(2022, 8, 20), None),
    (2023, D(2023, 4, 15), D(2023, 8, 19), D(2023, 10, 28)),
)
FIELDS = ("工程学", "物质科学", "生命科学", "环境科学", "计算机科学", "行为与社会科学")
TITLES = (
    "校园雨水回收与灌溉装置", "皖河水质季节变化调查", "智能垃圾分类箱", "黄梅戏唱腔的声学分析", "稻田养蛙生态研究",
    "可折叠助行器设计", "家庭用电习惯调查", "基于图像识别的病虫害预警", "桐城派古籍用字统计", "太阳能追光花盆",
    "蚯蚓堆肥效率比较", "中学生睡眠时长调查",
)  # fmt: skip
NAMES = (
    "张子涵", "李思远", "王一诺", "刘欣怡", "陈浩然", "杨梓萱", "赵宇航", "黄佳怡", "周俊杰", "吴雨桐", "徐子墨",
    "孙可馨", "胡博文", "朱梦琪", "高天翊", "林语嫣", "何嘉乐", "郭思彤",
)  # fmt: skip
PRIZES = ("first", "second", "second", "third", "third", "third", "excellence", "excellence", "", "", "", "")


def _admin():
    return (
        Membership.objects.filter(role=Role.SYSADMIN, org_unit__depth=1).select_related("user").first()
        or Membership.objects.filter(role=Role.SYSADMIN)
        .select_related("user")
        .order_by("org_unit__depth")
        .first()
    )


def _short(unit: OrgUnit) -> str:
    return (unit.short_name or unit.name).replace("科学技术协会", "").replace("科协", "")


def add_demo_contests() -> tuple[int, int]:
    """(editions, entries) added."""
    city = OrgUnit.objects.filter(code=CITY).first()
    admin = _admin()
    if city is None or admin is None or Edition.objects.filter(org_unit=city).exists():
        return 0, 0
    access, actor = access_for(admin.user, admin.pk), admin.user
    counties = list(OrgUnit.objects.get_children(city).filter(org_type="county").order_by("path")[:4])
    counties = counties or [city]
    today = timezone.localdate()
    editions = entries = 0
    for year, city_day, province_day, national_day in ROUNDS:
        if city_day > today:
            continue
        session = year - 1985
        municipal = services.edition_create(
            access=access, actor=actor,
            data=services.EditionData(city, f"第{session}届安庆市青少年科技创新大赛", "municipal", city_day, session),
        )  # fmt: skip
        provincial = services.edition_create(
            access=access, actor=actor,
            data=services.EditionData(
                city, f"第{session}届安徽省青少年科技创新大赛", "provincial", province_day, session, organiser="安徽省科协"
            ),
        )  # fmt: skip
        national = None
        if national_day and national_day <= today:
            national = services.edition_create(
                access=access, actor=actor,
                data=services.EditionData(
                    city, f"第{session - 1}届全国青少年科技创新大赛", "national", national_day, session - 1,
                    organiser="中国科协、教育部等",
                ),
            )  # fmt: skip
        editions += 2 + (national is not None)
        for i, title in enumerate(TITLES):
            county = counties[i % len(counties)]
            place = _short(county)
            team = i % 4 == 0
            first = NAMES[(i + year) % len(NAMES)]
            students = f"{first}、{NAMES[(i + year + 7) % len(NAMES)]}" if team else first
            stage = ("primary", "junior", "senior", "junior")[i % 4]
            school = {
                "primary": f"{place}实验小学",
                "junior": f"{place}第一初级中学",
                "senior": f"{place}中学",
            }[stage]
            e = services.entry_create(
                access=access, actor=actor,
                data=services.EntryData(
                    edition=municipal, org_unit=county, title=f"{title}（{year}）", students=students, school=school,
                    school_stage=stage, tutor_name=f"{'王李张刘'[i % 4]}老师", field=FIELDS[i % len(FIELDS)],
                    prize=PRIZES[i],
                ),
            )  # fmt: skip
            entries += 1
            if PRIZES[i] in ("first", "second"):
                up = services.entry_advance(access=access, actor=actor, entry=e, edition=provincial)
                services.entry_set_prize(
                    access=access, actor=actor, entry=up, prize="second" if PRIZES[i] == "first" else "third"
                )
                entries += 1
                if national is not None and PRIZES[i] == "first":
                    top = services.entry_advance(access=access, actor=actor, entry=up, edition=national)
                    services.entry_set_prize(access=access, actor=actor, entry=top, prize="third")
                    entries += 1
    return editions, entries


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: the demo contests, with one summary line."""
    editions, entries = add_demo_contests()
    return (
        f"演示青少年科技创新大赛：{editions}届赛事、{entries}项参赛作品（安庆市，含晋级省赛、全国赛的作品）"
    )
