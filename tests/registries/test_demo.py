"""The demo designations and facilities load onto the demo city once, and give the seed report's figures."""

from kexie.indicators.engine import evaluate
from kexie.orgs.demo import build_demo
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for
from kexie.registries.demo import add_demo_registries, extend_demo
from kexie.registries.models import Designation, Facility, State


def test_demo_loads_once_and_states_the_seed_figures(db, settings):
    settings.DEBUG = True
    build_demo()
    designations, facilities = add_demo_registries()
    assert designations > 120
    assert facilities > 10
    assert add_demo_registries() == (0, 0)
    assert Designation.objects.filter(state=State.REVOKED).count() == 1
    assert Designation.objects.filter(state=State.DRAFT).count() == 2
    assert Designation.objects.filter(state=State.REEXAMINING).count() == 1  # in the city admin's 待办
    city = OrgUnit.objects.get(code="340800")
    admin = Membership.objects.filter(org_unit=city, role=Role.ADMIN).first()
    result = evaluate(
        access=access_for(admin.user, admin.pk),
        indicators=[
            "reg_popsci_base_municipal_up",
            "reg_academician_station",
            "reg_academician_station_municipal_new",
        ],
        periods=["2023"],
    )
    assert (
        result.value("reg_popsci_base_municipal_up", "2023").value == 36
    )  # 建成国家、省、市级科普教育基地36家
    assert result.value("reg_academician_station", "2023").value == 84  # 先后建立院士专家工作站84家
    assert (
        result.value("reg_academician_station_municipal_new", "2023").value == 11
    )  # 新培育市级专家工作站11家
    assert Facility.objects.filter(kind="caravan").count() == 1


def test_without_the_demo_tree_nothing_is_added(db):
    assert add_demo_registries() == (0, 0)
    assert extend_demo().startswith("演示阵地与平台：0条")
