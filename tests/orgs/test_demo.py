"""The demo data: a realistic tree on real region codes, one login per role and level, and a hard
refusal outside demo settings."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from kexie.accounts.models import User
from kexie.orgs import demo, regions, validators
from kexie.orgs.models import TERRITORIAL_LEVEL, Membership, OrgType, OrgUnit, Role

ANQING_COUNTIES = {
    "340802",  # 迎江区
    "340803",  # 大观区
    "340811",  # 宜秀区
    "340822",  # 怀宁县
    "340825",  # 太湖县
    "340826",  # 宿松县
    "340827",  # 望江县
    "340828",  # 岳西县
    "340881",  # 桐城市
    "340882",  # 潜山市
}


@pytest.fixture
def built(settings):
    settings.KEXIE_ALLOW_DEMO = True
    return demo.build_demo()


def parent_of(unit: OrgUnit) -> OrgUnit | None:
    return OrgUnit.objects.get_parent(unit)


def children_of(unit: OrgUnit):
    return OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)


@pytest.mark.django_db
def test_tree_has_the_expected_provinces_and_cities(built):
    root = OrgUnit.objects.get(code="CAST")
    assert root.org_type == OrgType.NATIONAL
    assert root.is_root()
    assert OrgUnit.objects.get_root_nodes().count() == 1
    provinces = {u.code: u.name for u in children_of(root).filter(org_type=OrgType.PROVINCIAL)}
    assert provinces == {
        "340000": "安徽省科学技术协会",
        "420000": "湖北省科学技术协会",
        "610000": "陕西省科学技术协会",
    }
    cities = {u.code: u for u in OrgUnit.objects.filter(org_type=OrgType.MUNICIPAL)}
    assert set(cities) == {"340800", "341700", "341200", "340600", "420300", "610900"}
    anqing = cities["340800"]
    assert (anqing.name, anqing.short_name, anqing.region_code) == (
        "安庆市科学技术协会",
        "安庆市科协",
        "340800",
    )
    assert parent_of(anqing).code == "340000"
    assert parent_of(cities["420300"]).code == "420000"
    assert parent_of(cities["610900"]).code == "610000"
    # The tree itself is sound (paths, depths, child counts).
    assert all(not problems for problems in OrgUnit.objects.find_problems())
    # Each unit has exactly one creation row in its history.
    history = OrgUnit.history.all()
    assert sorted(history.values_list("id", flat=True)) == sorted(
        OrgUnit.objects.values_list("pk", flat=True)
    )
    assert set(history.values_list("history_type", "history_change_reason")) == {("+", demo.CHANGE_REASON)}


@pytest.mark.django_db
def test_cities_have_their_real_counties_without_virtual_units(built):
    anqing = OrgUnit.objects.get(code="340800")
    counties = {u.code: u for u in children_of(anqing).filter(org_type=OrgType.COUNTY)}
    assert set(counties) == ANQING_COUNTIES
    assert counties["340822"].name == "怀宁县科学技术协会"
    assert counties["340822"].short_name == "怀宁县科协"
    assert counties["340881"].name == "桐城市科学技术协会"
    assert not OrgUnit.objects.filter(code="340871").exists()  # 安徽安庆经济开发区 (NBS virtual unit)
    for county in OrgUnit.objects.filter(org_type=OrgType.COUNTY):
        assert not 70 <= int(county.code[4:6]) <= 79, county  # 7x: NBS virtual units
        assert county.code == county.region_code
        assert "市辖区" not in county.name
        assert parent_of(county).region_code[:4] == county.code[:4]
    # Every real county of every demo city is there (十堰 has 8, 安康 10).
    assert children_of(OrgUnit.objects.get(code="420300")).filter(org_type=OrgType.COUNTY).count() == 8
    assert children_of(OrgUnit.objects.get(code="610900")).filter(org_type=OrgType.COUNTY).count() == 10


@pytest.mark.django_db
def test_townships_have_twelve_digit_codes_inside_their_county(built):
    townships = OrgUnit.objects.filter(org_type__in=[OrgType.TOWNSHIP, OrgType.SUBDISTRICT])
    assert townships.exists()
    assert townships.filter(org_type=OrgType.SUBDISTRICT).exists()
    assert townships.filter(org_type=OrgType.TOWNSHIP).exists()
    for unit in townships:
        county = parent_of(unit)
        assert county.org_type == OrgType.COUNTY
        assert len(unit.code) == 12
        assert unit.code == unit.region_code
        assert unit.code.startswith(county.code)
        township_digits = int(unit.code[6:9])
        assert township_digits < 400  # no 开发区 / 农场
        expected = OrgType.SUBDISTRICT if township_digits < 100 else OrgType.TOWNSHIP
        assert unit.org_type == expected, unit
    for county in OrgUnit.objects.filter(org_type=OrgType.COUNTY):
        count = children_of(county).filter(org_type__in=[OrgType.TOWNSHIP, OrgType.SUBDISTRICT]).count()
        assert count == 3, county
    huaining = {u.code: u.name for u in children_of(OrgUnit.objects.get(code="340822"))}
    assert huaining["340822100000"] == "高河镇科协"


@pytest.mark.django_db
def test_every_region_code_is_real_and_fields_are_consistent(built):
    units = list(OrgUnit.objects.all())
    assert len(units) == built.units
    for unit in units:
        parent = parent_of(unit)
        assert unit.level == validators.level_for(unit.org_type, parent), unit
        assert unit.active_from is not None, unit
        if unit.org_type in TERRITORIAL_LEVEL and unit.org_type != OrgType.NATIONAL:
            assert unit.region_code, unit
        if unit.region_code:
            assert regions.lookup(unit.region_code) is not None, unit
            assert unit.region_code_year == regions.code_year()
            validators.validate_region_within_parent(unit.region_code, parent)
        else:
            assert unit.region_code_year is None
    for city in OrgUnit.objects.filter(org_type=OrgType.MUNICIPAL):
        side_types = {u.org_type for u in children_of(city)}
        assert {OrgType.SOCIETY, OrgType.ENTERPRISE, OrgType.UNIVERSITY, OrgType.PARK} <= side_types
        assert OrgUnit.objects.filter(code=f"{city.code}-U01", org_type=OrgType.UNIVERSITY).exists()
    assert OrgUnit.objects.get(code="340800-U01").short_name == "安庆师范大学科协"
    rural = OrgUnit.objects.filter(org_type=OrgType.RURAL_TECH)
    assert rural.count() >= 2
    assert all(parent_of(u).org_type == OrgType.COUNTY for u in rural)
    assert built.units_by_type == {
        t: OrgUnit.objects.filter(org_type=t).count() for t in {u.org_type for u in units}
    }


@pytest.mark.django_db
def test_users_exist_for_every_role_and_level_at_the_right_unit(built):
    units = {
        "nation": "CAST",
        "province": "340000",
        "city": "340800",
        "county": "340822",
        "township": "340822100000",  # 高河镇, the first township of 怀宁县
    }
    staff = [Role.SYSADMIN, Role.ADMIN, Role.FILLER, Role.REVIEWER, Role.VIEWER]
    expected = {("nation_sysadmin", Role.SYSADMIN, "CAST")}
    expected |= {
        (f"{lvl}_{r.value}", r, code) for lvl, code in units.items() if lvl != "nation" for r in staff
    }
    expected.add(("other_city_admin", Role.ADMIN, "341700"))
    for username, role, code in expected:
        user = User.objects.get(username=username)
        assert user.is_active
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.full_name.endswith(f"·{role.label}")
        assert [(m.role, m.org_unit.code) for m in user.memberships.select_related("org_unit")] == [
            (role, code)
        ]
    assert User.objects.get(username="city_filler").full_name == "安庆市科协·填报员"
    assert not User.objects.filter(username__in=["nation_admin", "nation_filler"]).exists()
    assert User.objects.count() == built.users == len(expected)
    assert Membership.objects.count() == len(expected)
    logins = {(login.username, login.role, login.unit) for login in built.logins}
    assert ("township_viewer", "查看者", "高河镇科协") in logins
    assert ("other_city_admin", "管理员", "池州市科学技术协会") in logins
    assert len(logins) == len(expected)


@pytest.mark.django_db
def test_second_run_changes_nothing(built, settings):
    units_before = list(OrgUnit.objects.order_by("path").values_list("code", "path", "numchild"))
    users_before = User.objects.count()
    out = io.StringIO()
    summary = demo.build_demo(stdout=out)
    assert not summary.created
    assert summary.units == 0
    assert "已有组织机构" in out.getvalue()
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert list(OrgUnit.objects.order_by("path").values_list("code", "path", "numchild")) == units_before
    assert User.objects.count() == users_before
    with pytest.raises(CommandError, match="数据库中已有组织机构"):
        call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_seed_demo_command_loads_and_prints_a_summary(settings):
    settings.KEXIE_ALLOW_DEMO = True
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2021, 2, 15, 12, tzinfo=dt.UTC)):  # a short demo history
        call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "演示活动：" in text  # the record apps' demo hooks ran after the tree
    assert "已加载演示数据" in text
    assert f"密码均为 {demo.DEMO_PASSWORD}" in text
    assert "county_reviewer" in text
    assert OrgUnit.objects.filter(code="340822").exists()


@pytest.mark.django_db
def test_demo_logins_lists_only_active_demo_users(built):
    User.objects.filter(username="city_viewer").update(is_active=False)
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：" in text
    assert "province_sysadmin" in text
    assert "怀宁县科学技术协会" in text
    assert "city_viewer" not in text


@pytest.mark.django_db
def test_demo_logins_without_demo_users(settings):
    settings.KEXIE_ALLOW_DEMO = True
    User.objects.create_user(username="someone", password="x-unrelated-1")
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "someone" not in out.getvalue()
    assert demo.DEMO_PASSWORD not in out.getvalue()


@pytest.mark.django_db
def test_refuses_without_demo_setting(settings):
    settings.KEXIE_ALLOW_DEMO = False
    with pytest.raises(ImproperlyConfigured, match="KEXIE_ALLOW_DEMO"):
        demo.build_demo()
    with pytest.raises(CommandError, match="演示数据"):
        call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    with pytest.raises(CommandError, match="演示数据"):
        call_command("demo_logins", stdout=io.StringIO())
    assert not OrgUnit.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_refuses_when_a_demo_username_is_taken(settings):
    settings.KEXIE_ALLOW_DEMO = True
    User.objects.create_user(username="city_admin", password="x-unrelated-1")
    with pytest.raises(ImproperlyConfigured, match="city_admin"):
        demo.build_demo()
    assert not OrgUnit.objects.exists()  # the whole build rolled back
    assert User.objects.count() == 1
