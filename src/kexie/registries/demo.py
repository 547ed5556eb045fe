"""Demo designations and facilities on the demo tree (安庆市 mainly, as its 2023 work report counts them:
"建成国家、省、市级科普教育基地36家", "先后建立院士专家工作站84家", "新培育市级专家工作站11家").

`add_demo_registries()` is idempotent (it does nothing when the demo city has designations already or is
missing) and deterministic; it writes through the services (validation, history, workflow log) as the
demo's system administrator, and revokes one base through the workflow as the city's 管理员.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kexie.orgs.models import TERRITORIAL_LEVEL, Membership, OrgType, OrgUnit, Role
from kexie.orgs.scoping import access_for
from kexie.registries import services
from kexie.registries.models import Designation, FacilityKind, Grade, Level, Programme, State

CITY = "340800"  # 安庆市
SEED = 20231231
PLACES = ("第一中学", "实验小学", "科技馆", "农业科技园", "气象站", "植物园", "青少年活动中心", "中医院", "污水处理厂",
          "博物馆", "茶叶合作社", "湿地公园", "消防救援站", "图书馆", "地震台")  # fmt: skip
FIRMS = ("化工", "新材料", "汽车零部件", "纺织", "医药", "电子", "机械", "农业", "生物科技", "新能源", "食品",
         "装备制造")  # fmt: skip
BASE_CATEGORIES = ("科技场馆类", "教育科研与重大工程类", "“三农”类", "企业类", "自然资源类", "其他类")


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


def add_demo_registries() -> tuple[int, int]:
    """(designations, facilities) added."""
    city = OrgUnit.objects.filter(code=CITY).first()
    admin = _admin()
    if (
        city is None
        or admin is None
        or Designation.objects.filter(org_unit__path__startswith=city.path).exists()
    ):
        return 0, 0
    access = access_for(admin.user, admin.pk)
    actor = admin.user
    rng = random.Random(SEED)
    today = timezone.localdate()
    counties = list(
        OrgUnit.objects.filter(
            path__startswith=city.path, depth=city.depth + 1, org_type__in=[t for t in TERRITORIAL_LEVEL]
        ).order_by("path")
    )
    townships = list(
        OrgUnit.objects.filter(
            path__startswith=city.path, org_type__in=[OrgType.TOWNSHIP, OrgType.SUBDISTRICT]
        ).order_by("path")
    )
    programmes = {p.code: p for p in Programme.objects.all()}
    made: list[Designation] = []
    used: set[str] = set()

    def name_for(unit: OrgUnit, words=PLACES) -> str:
        for _ in range(100):
            name = f"{_short(unit)}{rng.choice(words)}"
            if name not in used:
                used.add(name)
                return name
        name = f"{_short(unit)}{rng.choice(words)}{len(used)}"
        used.add(name)
        return name

    def add(unit, code, level, granted_on, *, holder_kind="institution", name=None, **extra):
        if granted_on > today:
            return None
        data = services.DesignationData(
            org_unit=unit,
            programme=programmes[code],
            level=level,
            holder_kind=holder_kind,
            holder_name=name or name_for(unit),
            holder_region_code=unit.region_code,
            granted_on=granted_on,
            document_no=extra.pop("document_no", f"宜科协〔{granted_on.year}〕{rng.randint(1, 90)}号"),
            **extra,
        )
        d = services.designation_create(access=access, actor=actor, data=data, granted=True)
        made.append(d)
        return d

    # 科普教育基地: 3 national (2021—2025 batch), 9 provincial, 24 municipal in force at the end of 2023
    for n in range(3):
        add(city, "popsci_base", Level.NATIONAL, dt.date(2022, 1, 15), valid_until=dt.date(2025, 12, 31),
            batch="2021—2025年度第一批", national_category=BASE_CATEGORIES[n], issuer="中国科协",
            document_no="科协发普字〔2022〕3号")  # fmt: skip
    for n in range(9):
        add(counties[n % len(counties)], "popsci_base", Level.PROVINCIAL, dt.date(2020 + n % 4, 6, 1),
            issuer="安徽省科协", document_no=f"皖科协发〔{2020 + n % 4}〕{20 + n}号")  # fmt: skip
    for n in range(24):
        add(counties[n % len(counties)], "popsci_base", Level.MUNICIPAL, dt.date(2019 + n % 5, 9, 1 + n))
    # 院士专家工作站: 84 in force at the end of 2023, 11 of them municipal ones granted in 2023
    for n in range(73):
        unit = counties[n % len(counties)] if n % 3 else city
        add(unit, "academician_station", Level.MUNICIPAL if n % 4 else Level.PROVINCIAL,
            dt.date(2012 + n % 11, 1 + n % 12, 10), holder_kind="enterprise", name=name_for(unit, FIRMS))  # fmt: skip
    for n in range(11):
        unit = counties[n % len(counties)]
        add(unit, "academician_station", Level.MUNICIPAL, dt.date(2023, 3 + n % 9, 18),
            holder_kind="enterprise", name=name_for(unit, FIRMS))  # fmt: skip
    # 科普中国e站 in townships, 学会服务站, 海智计划工作站, 科技小院, 科普示范社区
    for n, township in enumerate(townships[:12]):
        add(township, "kepu_estation", Level.COUNTY, dt.date(2021 + n % 3, 5, 8), holder_kind="village",
            name=f"{_short(township)}科普中国e站")  # fmt: skip
    for n in range(2):
        add(city, "society_station", Level.MUNICIPAL, dt.date(2022, 4, 1 + n), holder_kind="enterprise",
            name=name_for(city, FIRMS))  # fmt: skip
    add(city, "haizhi_station", Level.MUNICIPAL, dt.date(2021, 11, 3), holder_kind="institution",
        name="安庆高新区海智计划工作站")  # fmt: skip
    add(counties[0], "sci_backyard", Level.PROVINCIAL, dt.date(2022, 8, 20), holder_kind="enterprise",
        name=f"{_short(counties[0])}蓝莓科技小院", issuer="安徽省教育厅、农业农村厅、科协")  # fmt: skip
    for n in range(4):
        add(counties[n % len(counties)], "demo_community", Level.MUNICIPAL, dt.date(2021, 10, 10 + n),
            holder_kind="community", name=f"{_short(counties[n % len(counties)])}第{n + 1}科普示范社区")  # fmt: skip

    # yearly grades for the stations, a revocation through the workflow, and two applications in progress
    for d in made[36:60]:
        if d.granted_on.year <= 2023 <= today.year:
            services.evaluation_record(
                access=access, actor=actor, designation=d, year=2023,
                grade=rng.choice([Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS, Grade.FAIL]),
            )  # fmt: skip
    city_admin = Membership.objects.filter(role=Role.ADMIN, org_unit=city).select_related("user").first()
    revoked_on = dt.date(2024, 6, 30)
    if city_admin is not None and revoked_on <= today:
        from kexie.workflows.services import transition

        target = next(d for d in made if d.level == Level.MUNICIPAL and d.programme.code == "popsci_base")
        transition(
            access=access_for(city_admin.user, city_admin.pk),
            obj=target,
            code="revoke",
            reason="年度检查发现长期闭馆，整改后仍不达标",
            data={"revoked_on": revoked_on},
        )
    # a station sent to 整改 and reported done: 复核中, waiting in the city 管理员's 待办
    filler = Membership.objects.filter(role=Role.FILLER, org_unit__in=counties).select_related("user").first()
    if city_admin is not None and filler is not None:
        from kexie.workflows.services import transition

        due = next(
            (
                d
                for d in made
                if d.org_unit_id == filler.org_unit_id
                and d.issuer_unit_id == city.pk
                and d.state == State.GRANTED
                and (d.ends_on is None or d.ends_on >= today)
            ),
            None,
        )
        if due is not None:
            transition(
                access=access_for(city_admin.user, city_admin.pk),
                obj=due,
                code="rectify",
                reason="年度检查发现展教设施长期损坏，限期整改",
            )
            transition(access=access_for(filler.user, filler.pk), obj=due, code="request_recheck")
    for n in range(2):
        unit = counties[n % len(counties)]
        services.designation_create(
            access=access,
            actor=actor,
            data=services.DesignationData(
                org_unit=unit, programme=programmes["popsci_base"], level=Level.MUNICIPAL,
                holder_kind="school", holder_name=name_for(unit), holder_region_code=unit.region_code,
            ),
        )  # fmt: skip

    # facilities: galleries and activity rooms per county, the city's museum, a travelling museum, caravans
    facilities = 0

    def facility(unit, kind, name, opened_on, **extra):
        nonlocal facilities
        f = services.facility_create(
            access=access,
            actor=actor,
            data=services.FacilityData(
                org_unit=unit,
                kind=kind,
                name=name,
                region_code=unit.region_code,
                opened_on=opened_on,
                **extra,
            ),
        )
        facilities += 1
        return f

    for n, county in enumerate(counties):
        for k in range(3):
            facility(
                county, FacilityKind.GALLERY, f"{_short(county)}科普画廊{k + 1}号", dt.date(2018 + k, 3, 1)
            )
        facility(
            county, FacilityKind.ACTIVITY_ROOM, f"{_short(county)}社区科普活动室", dt.date(2019, 5, 1 + n)
        )
    facility(city, FacilityKind.MUSEUM, "安庆市科技馆", dt.date(2016, 5, 18), area_m2=12000, is_standard=True)
    mobile = facility(city, FacilityKind.MOBILE_MUSEUM, "安庆市流动科技馆", dt.date(2019, 1, 1))
    caravan = facility(city, FacilityKind.CARAVAN, "安庆市科普大篷车1号", dt.date(2017, 6, 1))
    stop = dt.date(2023, 1, 10)
    for n, county in enumerate(counties):
        for unit, days in ((mobile, 60), (caravan, 3)):
            start = stop + dt.timedelta(days=n * 70)
            end = start + dt.timedelta(days=days - 1)
            if end > today:
                continue
            services.trip_create(
                access=access,
                actor=actor,
                facility=unit,
                data=services.TripData(
                    place=f"{_short(county)}", host_unit=county, region_code=county.region_code,
                    start_on=start, end_on=end, visitors=rng.randint(3000, 40000) if days > 3 else rng.randint(500, 3000),
                ),
            )  # fmt: skip
    return len(made) + 2, facilities


def extend_demo() -> str:
    """Hook of `manage.py seed_demo`: the demo designations and facilities, with one summary line."""
    designations, facilities = add_demo_registries()
    return f"演示阵地与平台：{designations}条认定（含申报中2条、复核中1条）、{facilities}个科普设施（安庆市）"
