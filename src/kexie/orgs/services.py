"""Writes to the org tree and memberships. Every change is checked against the actor's scope and
leaves a history row (django-simple-history) that says who changed what and why."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from kexie.accounts.models import User
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.periods import day_label
from kexie.core.text import clean_text, validate_plain_text
from kexie.orgs import merging, regions, validators
from kexie.orgs.models import TERRITORIAL_LEVEL, Membership, OrgUnit, Role
from kexie.orgs.scoping import Access, Action


@dataclass
class OrgUnitData:
    """The editable fields of an org unit, already parsed (forms and imports both produce this)."""

    code: str
    name: str
    org_type: str
    short_name: str = ""
    region_code: str = ""
    active_from: dt.date | None = None


def _require(access: Access, unit: OrgUnit, action: Action = Action.MANAGE) -> None:
    if not access.covers(unit, action):
        raise PermissionDeniedError(f"“{unit.name}”不在您的管理范围内，或您的角色无权执行此操作。")


def _as_domain_error(exc: ValidationError, field: str | None = None) -> DomainError:
    return DomainError("；".join(exc.messages), field=field)


def validate_orgunit_data(
    data: OrgUnitData, *, parent: OrgUnit | None, instance: OrgUnit | None = None
) -> dict:
    """Check `data` for a unit under `parent`; returns {field: message} (empty when valid)."""
    errors: dict[str, str] = {}
    data.code = (data.code or "").strip()
    data.name = clean_text(data.name or "")
    data.short_name = clean_text(data.short_name or "")
    data.region_code = (data.region_code or "").strip()
    checks = [
        ("code", lambda: validators.validate_code(data.code)),
        ("name", lambda: validate_plain_text(data.name)),
        ("short_name", lambda: validate_plain_text(data.short_name)),
        ("org_type", lambda: validators.validate_placement(data.org_type, parent)),
    ]
    if not data.name:
        errors["name"] = "请填写名称。"
    elif len(data.name) > 100:
        errors["name"] = "名称不能超过100个字。"
    if len(data.short_name) > 30:
        errors["short_name"] = "简称不能超过30个字。"
    for field, check in checks:
        if field in errors:
            continue
        try:
            check()
        except ValidationError as exc:
            errors[field] = "；".join(exc.messages)
    if data.region_code and "region_code" not in errors:
        try:
            validators.validate_region_code(data.region_code)
            if data.org_type in TERRITORIAL_LEVEL:
                validators.validate_region_within_parent(data.region_code, parent)
        except ValidationError as exc:
            errors["region_code"] = "；".join(exc.messages)
    changed = (
        instance is not None
        and instance.pk
        and (data.org_type != instance.org_type or data.region_code != instance.region_code)
    )
    if changed and "org_type" not in errors and "region_code" not in errors:
        # A new type or region must keep every existing child validly placed under the unit.
        stand_in = OrgUnit(
            name=data.name,
            org_type=data.org_type,
            region_code=data.region_code,
            level=validators.level_for(data.org_type, parent),
        )
        for child in OrgUnit.objects.filter(depth=instance.depth + 1, path__startswith=instance.path):
            try:
                validators.validate_placement(child.org_type, stand_in)
                if child.org_type in TERRITORIAL_LEVEL and child.region_code:
                    validators.validate_region_within_parent(child.region_code, stand_in)
            except ValidationError as exc:
                field = "org_type" if data.org_type != instance.org_type else "region_code"
                errors[field] = (
                    f"不能这样修改：其下级“{child.name}”将不再符合隶属规则（{'；'.join(exc.messages)}）"
                )
                break
    if "code" not in errors:
        clash = OrgUnit.objects.filter(code=data.code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["code"] = f"机构代码“{data.code}”已被占用，请换一个。"
    return errors


EDITABLE_FIELDS = (
    "code",
    "name",
    "short_name",
    "org_type",
    "level",
    "region_code",
    "region_code_year",
    "active_from",
)


def _apply(unit: OrgUnit, data: OrgUnitData, parent: OrgUnit | None) -> None:
    unit.code = data.code
    unit.name = data.name
    unit.short_name = data.short_name
    unit.org_type = data.org_type
    unit.level = validators.level_for(data.org_type, parent)
    unit.region_code = data.region_code
    unit.region_code_year = regions.code_year() if data.region_code else None
    if data.active_from is not None:
        unit.active_from = data.active_from


@transaction.atomic
def orgunit_create(
    *, access: Access, parent: OrgUnit | None, data: OrgUnitData, reason: str = "新建"
) -> OrgUnit:
    """新建单位: a child of `parent` (in the actor's subtree), or a root (system administrators only)."""
    if parent is None:
        if not access.can(Action.SYSTEM):
            raise PermissionDeniedError("只有系统管理员可以新建顶级单位。")
    else:
        _require(access, parent)
    errors = validate_orgunit_data(data, parent=parent)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    unit = OrgUnit()
    _apply(unit, data, parent)
    unit._change_reason = reason
    return (
        OrgUnit.objects.add_child(parent, instance=unit)
        if parent
        else OrgUnit.objects.add_root(instance=unit)
    )


@transaction.atomic
def orgunit_update(*, access: Access, unit: OrgUnit, data: OrgUnitData) -> OrgUnit:
    """修改单位信息 (rename, retype, region code)."""
    _require(access, unit)
    parent = OrgUnit.objects.get_parent(unit)
    errors = validate_orgunit_data(data, parent=parent, instance=unit)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    if not orgunit_differs(unit, data, parent=parent):
        return unit  # nothing changed: no save, no history row (e.g. a re-import of the same file)
    old_name = unit.name
    _apply(unit, data, parent)
    unit._change_reason = f"更名：{old_name} → {unit.name}" if old_name != unit.name else "修改信息"
    unit.save()
    return unit


def orgunit_differs(unit: OrgUnit, data: OrgUnitData, *, parent: OrgUnit | None) -> bool:
    """Would applying `data` change any stored field of `unit`?"""
    probe = copy.copy(unit)
    _apply(probe, data, parent)
    return any(getattr(probe, f) != getattr(unit, f) for f in EDITABLE_FIELDS)


@transaction.atomic
def orgunit_move(*, access: Access, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """调整隶属关系: both the unit and its new parent must be in the actor's subtree."""
    _require(access, unit)
    _require(access, new_parent)
    if access.root_path == unit.path:
        raise DomainError("不能移动您所在的顶级管理单位，请联系上级管理员。")
    if new_parent.path.startswith(unit.path):
        raise DomainError("不能把单位移动到它自己或它的下级单位之下。", field="new_parent")
    if OrgUnit.objects.get_parent(unit).pk == new_parent.pk:
        raise DomainError(f"“{unit.name}”已经隶属于“{new_parent.name}”。", field="new_parent")
    try:
        validators.validate_placement(unit.org_type, new_parent)
        if unit.org_type in TERRITORIAL_LEVEL:
            validators.validate_region_within_parent(unit.region_code, new_parent)
    except ValidationError as exc:
        raise _as_domain_error(exc, "new_parent") from exc
    old_parent = OrgUnit.objects.get_parent(unit)
    OrgUnit.objects.move(unit, new_parent, "last-child")
    unit.refresh_from_db()
    unit.level = validators.level_for(unit.org_type, new_parent)
    unit._change_reason = f"调整隶属：{old_parent.name} → {new_parent.name}"
    unit.save()
    return unit


@transaction.atomic
def orgunit_close(*, access: Access, unit: OrgUnit, on: dt.date, reason: str = "") -> OrgUnit:
    """撤销单位: sets active_to; the unit and its records stay visible in history."""
    _require(access, unit)
    if access.root_path == unit.path:
        raise DomainError("不能撤销您所在的顶级管理单位，请联系上级管理员。")
    if unit.active_to is not None:
        raise DomainError(f"“{unit.name}”已于{unit.active_to:%Y年%m月%d日}撤销。")
    if unit.active_from and on < unit.active_from:
        raise DomainError("撤销日期不能早于成立日期。", field="on")
    open_children = OrgUnit.objects.filter(
        depth=unit.depth + 1, path__startswith=unit.path, active_to__isnull=True
    )
    if open_children.exists():
        names = "、".join(open_children.values_list("name", flat=True)[:3])
        raise DomainError(f"“{unit.name}”还有未撤销的下级单位（{names}等），请先撤销或移走它们。")
    unit.active_to = on
    unit._change_reason = f"撤销{('：' + reason) if reason else ''}"
    unit.save()
    return unit


@dataclass
class MergeResult:
    source: OrgUnit
    target: OrgUnit
    moved: dict[str, int]  # label → rows moved ("下级单位", "科普活动", …), only those that moved

    @property
    def summary(self) -> str:
        return describe_moved(self.moved)


def describe_moved(moved: dict[str, int]) -> str:
    """{"下级单位": 2, "活动": 12} → "下级单位2个、活动12条" (or "没有需要转移的记录")."""
    parts = [f"{label}{n}{'个' if label in ('下级单位', '用户角色') else '条'}" for label, n in moved.items()]
    return "、".join(parts) or "没有需要转移的记录"


def merge_preview(unit: OrgUnit) -> dict[str, int]:
    """What would move if `unit` were merged now: label → rows (those that say how many)."""
    preview = {
        "下级单位": OrgUnit.objects.filter(depth=unit.depth + 1, path__startswith=unit.path).count(),
        "用户角色": Membership.objects.filter(org_unit=unit).count(),
    }
    for handler in merging.merge_handlers():
        if handler.count is not None:
            preview[handler.label] = handler.count(unit)
    return {label: n for label, n in preview.items() if n}


def _actor_of(access: Access):
    return User.objects.filter(pk=access.user_id).first() if access.user_id else None


@transaction.atomic
def orgunit_merge(
    *, access: Access, source: OrgUnit, target: OrgUnit, on: dt.date, actor: User | None = None
) -> MergeResult:
    """合并单位: `source` is merged into `target` on `on`. Its children move under the target, each
    record app moves its rows through its registered merge handler (kexie.orgs.merging), the
    memberships move, and the source is closed with merged_into set and stays visible in history.

    All or nothing: any refusal (a DomainError, e.g. two activities that would share their natural
    key at the target) leaves every row as it was. Callable from pages, the `merge_units` command and
    the `merge_units_task` background task alike."""
    source = OrgUnit.objects.get(pk=source.pk)  # as stored now, not as the caller loaded it
    target = OrgUnit.objects.get(pk=target.pk)
    _require(access, source)
    _require(access, target)
    if source.pk == target.pk:
        raise DomainError("不能把单位合并到它自己。", field="target")
    if access.root_path == source.path:
        raise DomainError("不能合并您所在的顶级管理单位，请联系上级管理员。")
    if target.path.startswith(source.path):
        raise DomainError("不能合并到被合并单位自己的下级单位。", field="target")
    if source.active_to is not None:
        raise DomainError(f"“{source.name}”已于{day_label(source.active_to)}撤销，不能再合并。")
    if target.active_to is not None:
        raise DomainError(
            f"“{target.name}”已于{day_label(target.active_to)}撤销，不能作为合并目标。", field="target"
        )
    if source.active_from and on < source.active_from:
        raise DomainError(
            f"合并日期不能早于“{source.name}”的成立日期（{day_label(source.active_from)}）。", field="on"
        )
    if target.active_from and on < target.active_from:
        raise DomainError(
            f"合并日期不能早于“{target.name}”的成立日期（{day_label(target.active_from)}）。", field="on"
        )
    actor = actor or _actor_of(access)
    reason = merging.merge_reason(source, target)
    moved: dict[str, int] = {}
    # Children move first (tree correction), so the source is a leaf when closed.
    children = list(OrgUnit.objects.filter(depth=source.depth + 1, path__startswith=source.path))
    for child in children:
        try:
            validators.validate_placement(child.org_type, target)
        except ValidationError as exc:
            raise DomainError(
                f"下级单位“{child.name}”无法并入“{target.name}”：" + "；".join(exc.messages)
            ) from exc
        OrgUnit.objects.move(child, OrgUnit.objects.get(pk=target.pk), "last-child")
        child.refresh_from_db()
        child._change_reason = f"随“{source.name}”并入“{target.name}”"
        child._history_user = actor
        child.save()
    if children:
        moved["下级单位"] = len(children)
    target.refresh_from_db()
    # Each record app moves its own rows (one UPDATE per model, derived data refreshed, clashes refused).
    with merging.acting(actor):
        for handler in merging.merge_handlers():
            n = handler.move(source, target, on)
            if n:
                moved[handler.label] = n
    n_memberships = 0
    for membership in Membership.objects.filter(org_unit=source).select_related("user"):
        duplicate = Membership.objects.filter(user=membership.user, org_unit=target, role=membership.role)
        membership._history_user = actor
        if duplicate.exists():
            membership._change_reason = f"{reason}（目标单位已有相同角色）"
            membership.delete()
        else:
            membership.org_unit = target
            membership._change_reason = reason
            membership.save()
        n_memberships += 1
    if n_memberships:
        moved["用户角色"] = n_memberships
    source.refresh_from_db()
    source.active_to = on
    source.merged_into = target
    source._change_reason = f"并入“{target.name}”"
    source._history_user = actor
    source.save()
    return MergeResult(source=source, target=target, moved=moved)


# ---- users and memberships -------------------------------------------------------------------


def _check_grant(access: Access, unit: OrgUnit, role: str) -> None:
    _require(access, unit)
    if role not in access.grantable_roles():
        raise PermissionDeniedError(f"您不能授予“{Role(role).label}”角色。")


def user_manageable(access: Access, user: User) -> bool:
    """A user may be changed only if every one of its memberships lies inside the actor's subtree."""
    units = [m.org_unit for m in user.memberships.select_related("org_unit")]
    return bool(units) and all(access.covers(u, Action.MANAGE) for u in units)


@transaction.atomic
def user_create(
    *, access: Access, username: str, full_name: str, password: str, unit: OrgUnit, role: str, phone: str = ""
) -> User:
    """新建用户 with its first membership, inside the actor's subtree."""
    _check_grant(access, unit, role)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已被使用。", field="username")
    user = User(username=username, full_name=clean_text(full_name), phone=phone.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return user


@transaction.atomic
def user_set_active(*, access: Access, user: User, active: bool) -> User:
    """停用/启用用户 (never deleted, so history keeps who did what)."""
    if user.pk == access.user_id:
        raise DomainError("不能停用您自己的账号。")
    if not user_manageable(access, user):
        raise PermissionDeniedError("该用户在您的管理范围之外还有角色，请联系上级管理员。")
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def membership_add(*, access: Access, user: User, unit: OrgUnit, role: str) -> Membership:
    _check_grant(access, unit, role)
    if Membership.objects.filter(user=user, org_unit=unit, role=role).exists():
        raise DomainError(f"{user}在“{unit.name}”已经是{Role(role).label}。")
    return Membership.objects.create(user=user, org_unit=unit, role=role)


@transaction.atomic
def membership_remove(*, access: Access, membership: Membership) -> None:
    _require(access, membership.org_unit)
    if membership.pk == (access.active.membership_id if access.active else None):
        raise DomainError("不能删除您当前正在使用的角色。")
    if not Membership.objects.filter(user=membership.user).exclude(pk=membership.pk).exists():
        raise DomainError("这是该用户唯一的角色；如不再使用，请停用该用户。")
    membership.delete()
