"""Demo people and office holders on the demo tree (桐城市, 怀宁县 and their demo townships), and the
township table of every demo county (the denominator of 乡镇科协组织建设率).

`extend_demo()` is idempotent and does nothing when the demo units are missing; it writes through the
services as the demo's first system administrator would. The figures it gives are pinned by
tests/people/test_coverage.py (hand-counted as of 2022-12-31 and 2024-12-31).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kexie.orgs.models import Membership, OrgUnit
from kexie.orgs.models import Role as MemberRole
from kexie.orgs.scoping import access_for
from kexie.people import services
from kexie.people.models import Person, Post
from kexie.people.townships import load_townships

D = dt.date
# (keeping county, name, gender, employer, title, title level, field, roles, role since)
DEMO_PEOPLE = [
    (
        "340881",
        "王建国",
        "male",
        "孔城镇卫生院",
        "副主任医师",
        "deputy_senior",
        "临床医学",
        ("sci_worker", "expert"),
        None,
    ),
    (
        "340881",
        "李明",
        "male",
        "孔城镇中心学校",
        "高级教师",
        "deputy_senior",
        "基础教育",
        ("sci_worker",),
        None,
    ),
    (
        "340881",
        "陈芳",
        "female",
        "龙腾街道社区卫生服务中心",
        "主治医师",
        "intermediate",
        "全科医学",
        ("sci_worker",),
        None,
    ),
    (
        "340881",
        "张伟",
        "male",
        "孔城镇农业技术推广站",
        "高级农艺师",
        "deputy_senior",
        "农学",
        ("sci_worker", "expert"),
        None,
    ),
    (
        "340881",
        "刘洋",
        "male",
        "桐城市华宇新材料有限公司",
        "工程师",
        "intermediate",
        "材料工程",
        ("expert",),
        None,
    ),
    ("340881", "赵敏", "female", "孔城镇人民政府", "", "", "", ("sci_worker",), None),
    (
        "340822",
        "周强",
        "male",
        "高河镇中心卫生院",
        "副主任医师",
        "deputy_senior",
        "临床医学",
        ("sci_worker",),
        None,
    ),
    (
        "340822",
        "吴静",
        "female",
        "怀宁县农业农村局",
        "农业技术推广研究员",
        "senior",
        "植物保护",
        ("expert", "volunteer"),
        D(2024, 1, 1),
    ),
]
# (township 科协 code, person, position, source, source organisation, term start, term end)
DEMO_POSTS = [
    ("340881100000", "王建国", "part_time_vice", "hospital_head", "孔城镇卫生院", D(2021, 3, 1), None),
    (
        "340881100000",
        "李明",
        "part_time_vice",
        "school_head",
        "孔城镇中心学校",
        D(2021, 3, 1),
        D(2023, 2, 28),
    ),
    ("340881100000", "赵敏", "chair", "", "", D(2021, 3, 1), None),
    (
        "340881100000",
        "张伟",
        "part_time_vice",
        "agri_station_head",
        "孔城镇农业技术推广站",
        D(2023, 3, 1),
        None,
    ),
    (
        "340881001000",
        "陈芳",
        "part_time_vice",
        "hospital_head",
        "龙腾街道社区卫生服务中心",
        D(2023, 6, 1),
        None,
    ),
    (
        "340881002000",
        "刘洋",
        "part_time_vice",
        "entrepreneur",
        "桐城市华宇新材料有限公司",
        D(2022, 1, 1),
        None,
    ),
    ("340881002000", "张伟", "member", "agri_station_head", "孔城镇农业技术推广站", D(2024, 1, 1), None),
    ("340822100000", "周强", "part_time_vice", "hospital_head", "高河镇中心卫生院", D(2022, 5, 1), None),
]


def add_demo_people() -> tuple[int, int, int]:
    """(townships loaded, people added, posts added); nothing without the demo units."""
    codes = {row[0] for row in DEMO_PEOPLE} | {row[0] for row in DEMO_POSTS}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    admin = (
        Membership.objects.filter(role=MemberRole.SYSADMIN, org_unit__depth=1).select_related("user").first()
        or Membership.objects.filter(role=MemberRole.SYSADMIN)
        .select_related("user")
        .order_by("org_unit__depth")
        .first()
    )
    if admin is None or len(units) != len(codes):
        return (0, 0, 0)
    townships = load_townships()
    access = access_for(admin.user, admin.pk)
    people: dict[str, Person] = {}
    added = 0
    for code, name, gender, employer, title, level, field, roles, since in DEMO_PEOPLE:
        existing = Person.objects.filter(org_unit=units[code], name=name, employer=employer).first()
        if existing is None:
            existing = services.person_create(
                access=access,
                actor=admin.user,
                values={
                    "org_unit": units[code],
                    "name": name,
                    "gender": gender,
                    "employer": employer,
                    "title": title,
                    "title_level": level,
                    "field": field,
                    "roles": list(roles),
                },
            )
            added += 1
            for role in roles:
                if since is not None:
                    existing.roles.filter(role=role).update(since=since)
        people[name] = existing
    posts = 0
    today = timezone.localdate()
    for code, name, position, source, source_org, start, end in DEMO_POSTS:
        if start > today:
            continue  # a demo loaded on an earlier date has no posts from its future
        person = people[name]
        if Post.objects.filter(
            org_unit=units[code], person=person, position=position, term_start=start
        ).exists():
            continue
        services.post_create(
            access=access,
            actor=admin.user,
            values={
                "org_unit": units[code],
                "person": person,
                "position": position,
                "source": source,
                "source_org": source_org,
                "term_start": start,
                "term_end": end,
            },
        )
        posts += 1
    return (townships.created, added, posts)


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: townships, people and posts, with one summary line."""
    townships, people, posts = add_demo_people()
    return f"演示人员与任职：乡镇（街道）{townships}个，人员{people}人，任职{posts}条（桐城市、怀宁县）"
