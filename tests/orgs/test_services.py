"""Org tree operations: create, rename, move, close, merge — each scoped and kept in history."""

import datetime as dt

import pytest

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs import services
from kexie.orgs.models import Membership, OrgType, OrgUnit, Role
from kexie.orgs.scoping import Action


def data(**kw):
    base = {"code": "T1", "name": "测试单位", "org_type": OrgType.SOCIETY}
    return services.OrgUnitData(**(base | kw))


def test_create_child_records_history_with_the_actor(tree, access_of):
    unit = services.orgunit_create(access=access_of("city_admin"), parent=tree["city"], data=data())
    assert OrgUnit.objects.get_parent(unit).pk == tree["city"].pk
    assert unit.level == tree["city"].level  # side types take their parent's level
    assert unit.history.count() == 1
    assert unit.history.first().history_change_reason == "新建"


def test_create_outside_the_subtree_is_refused(tree, access_of):
    with pytest.raises(PermissionDeniedError):
        services.orgunit_create(access=access_of("county_admin"), parent=tree["city"], data=data())
    assert not OrgUnit.objects.filter(code="T1").exists()


def test_a_filler_cannot_change_the_tree(tree, access_of):
    with pytest.raises(PermissionDeniedError):
        services.orgunit_create(access=access_of("county_filler"), parent=tree["county"], data=data())


@pytest.mark.parametrize(
    ("kw", "field", "fragment"),
    [
        ({"code": "bad code!"}, "code", "机构代码只能"),
        ({"code": "340822"}, "code", "已被占用"),
        ({"name": ""}, "name", "请填写名称"),
        ({"name": "名\u202e称"}, "name", "控制字符"),
        ({"org_type": OrgType.MUNICIPAL}, "org_type", "层级必须低于"),
        ({"org_type": OrgType.COUNTY, "region_code": "12345"}, "region_code", "6位"),
        ({"org_type": OrgType.COUNTY, "region_code": "340899"}, "region_code", "不在2023年"),
        ({"org_type": OrgType.COUNTY, "region_code": "341702"}, "region_code", "不在上级单位"),
    ],
)
def test_invalid_data_is_refused_with_a_field_message(tree, access_of, kw, field, fragment):
    with pytest.raises(DomainError) as exc:
        services.orgunit_create(access=access_of("city_admin"), parent=tree["city"], data=data(**kw))
    assert exc.value.field == field
    assert fragment in exc.value.message


def test_territorial_unit_cannot_hang_under_a_society(tree, access_of):
    with pytest.raises(DomainError, match="不能隶属于学会"):
        services.orgunit_create(
            access=access_of("city_admin"), parent=tree["society"], data=data(org_type=OrgType.TOWNSHIP)
        )


def test_rename_keeps_the_old_name_in_history(tree, access_of):
    unit = tree["county"]
    services.orgunit_update(
        access=access_of("city_admin"),
        unit=unit,
        data=services.OrgUnitData(
            code="340822", name="怀宁县科协（新）", org_type=OrgType.COUNTY, region_code="340822"
        ),
    )
    latest = unit.history.first()
    assert latest.history_change_reason == "更名：怀宁县科学技术协会 → 怀宁县科协（新）"
    assert latest.prev_record.name == "怀宁县科学技术协会"


def test_move_reparents_the_whole_branch(tree, access_of):
    access = access_of("city_admin")
    branch = services.orgunit_create(
        access=access, parent=tree["society"], data=data(code="S-BR", name="分会")
    )
    unit = services.orgunit_move(access=access, unit=tree["society"], new_parent=tree["county2"])
    assert OrgUnit.objects.get_parent(unit).pk == tree["county2"].pk
    assert unit.level == tree["county2"].level  # a 学会 takes the level of its new parent
    branch.refresh_from_db()
    assert branch.path.startswith(unit.path)
    assert "调整隶属" in unit.history.first().history_change_reason


def test_move_outside_the_region_of_the_new_parent_is_refused(tree, access_of):
    with pytest.raises(DomainError, match="区划"):
        services.orgunit_move(
            access=access_of("city_admin"), unit=tree["township"], new_parent=tree["county2"]
        )


def test_move_into_own_descendant_is_refused(tree, access_of):
    with pytest.raises(DomainError, match="自己或它的下级"):
        services.orgunit_move(
            access=access_of("city_admin"), unit=tree["county"], new_parent=tree["township"]
        )


def test_move_to_a_parent_outside_scope_is_refused(tree, access_of):
    with pytest.raises(PermissionDeniedError):
        services.orgunit_move(
            access=access_of("city_admin"), unit=tree["county2"], new_parent=tree["other_city"]
        )


def test_close_requires_children_closed_first(tree, access_of):
    with pytest.raises(DomainError, match="未撤销的下级单位"):
        services.orgunit_close(access=access_of("city_admin"), unit=tree["county"], on=dt.date(2025, 1, 1))


def test_close_keeps_the_unit_visible(tree, access_of):
    access = access_of("city_admin")
    unit = services.orgunit_close(access=access, unit=tree["township"], on=dt.date(2025, 1, 1), reason="撤并")
    assert unit.active_to == dt.date(2025, 1, 1)
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert unit.history.first().history_change_reason == "撤销：撤并"


def test_own_scope_root_cannot_be_closed(tree, access_of):
    with pytest.raises(DomainError, match="顶级管理单位"):
        services.orgunit_close(access=access_of("county_admin"), unit=tree["county"], on=dt.date(2025, 1, 1))


def test_merge_moves_children_and_memberships_and_closes_the_source(tree, people, access_of):
    access = access_of("city_admin")
    source, target = tree["county"], tree["county2"]
    services.orgunit_merge(access=access, source=source, target=target, on=dt.date(2025, 6, 30))
    source.refresh_from_db()
    assert source.active_to == dt.date(2025, 6, 30)
    assert source.merged_into_id == target.pk
    township = OrgUnit.objects.get(pk=tree["township"].pk)
    assert OrgUnit.objects.get_parent(township).pk == target.pk
    assert Membership.objects.filter(user=people["county_filler"], org_unit=target, role=Role.FILLER).exists()
    assert not Membership.objects.filter(org_unit=source).exists()
    assert source.history.first().history_change_reason == f"并入“{target.name}”"


def test_merge_into_itself_is_refused(tree, access_of):
    with pytest.raises(DomainError):
        services.orgunit_merge(
            access=access_of("city_admin"),
            source=tree["county"],
            target=tree["county"],
            on=dt.date(2025, 1, 1),
        )


def test_admin_creates_users_only_inside_its_subtree(tree, access_of):
    access = access_of("county_admin")
    user = services.user_create(
        access=access,
        username="newbie",
        full_name="新人",
        password="Xk93-long-pass",
        unit=tree["township"],
        role=Role.FILLER,
    )
    assert user.memberships.get().org_unit_id == tree["township"].pk
    with pytest.raises(PermissionDeniedError):
        services.user_create(
            access=access,
            username="newbie2",
            full_name="新人2",
            password="Xk93-long-pass",
            unit=tree["city"],
            role=Role.FILLER,
        )


def test_admin_cannot_grant_sysadmin(tree, access_of):
    with pytest.raises(PermissionDeniedError, match="系统管理员"):
        services.user_create(
            access=access_of("city_admin"),
            username="boss",
            full_name="x",
            password="Xk93-long-pass",
            unit=tree["county"],
            role=Role.SYSADMIN,
        )


def test_admin_cannot_disable_a_user_with_roles_outside_its_subtree(tree, people, access_of):
    user = people["county_filler"]
    Membership.objects.create(user=user, org_unit=tree["other_county"], role=Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        services.user_set_active(access=access_of("city_admin"), user=user, active=False)
    services.user_set_active(access=access_of("province_sysadmin"), user=user, active=False)
    user.refresh_from_db()
    assert not user.is_active


def test_membership_changes_are_in_history(tree, people, access_of):
    m = services.membership_add(
        access=access_of("city_admin"), user=people["county_filler"], unit=tree["county2"], role=Role.VIEWER
    )
    assert Membership.history.filter(id=m.pk, history_type="+").exists()
    assert access_of("city_admin").covers(tree["county2"], Action.MANAGE)
