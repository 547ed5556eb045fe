"""Rules for org unit fields, shared by the forms and the spreadsheet import (one set of messages)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from kexie.orgs import regions
from kexie.orgs.models import TERRITORIAL_LEVEL, Level, OrgType, OrgUnit

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
ROOT_TYPES = {OrgType.NATIONAL, OrgType.PROVINCIAL}


def validate_code(code: str) -> None:
    if not CODE_RE.match(code):
        raise ValidationError(
            "机构代码只能由字母、数字、点、横线和下划线组成，且不超过32位。", code="code_format"
        )


def parse_org_type(value: str) -> str:
    """Accept the stored value or the Chinese label (as typed in spreadsheets)."""
    value = (value or "").strip()
    for choice in OrgType:
        if value in (choice.value, choice.label):
            return choice.value
    labels = "、".join(OrgType.labels)
    raise ValidationError(f"类型“{value}”无效，可选：{labels}。", code="org_type")


def level_for(org_type: str, parent: OrgUnit | None) -> int:
    if org_type in TERRITORIAL_LEVEL:
        return TERRITORIAL_LEVEL[org_type]
    return parent.level if parent is not None else Level.NATIONAL


def validate_placement(org_type: str, parent: OrgUnit | None) -> None:
    """Where a type may sit in the tree: territorial units go strictly below their territorial parent."""
    if parent is None:
        if org_type not in ROOT_TYPES:
            raise ValidationError(
                "只有全国科协或省级科协可以作为顶级单位，请选择上级单位。", code="needs_parent"
            )
        return
    if parent.active_to is not None:
        raise ValidationError(f"上级单位“{parent.name}”已撤销，不能再添加下级。", code="parent_closed")
    if org_type == OrgType.NATIONAL:
        raise ValidationError("全国科协只能是顶级单位。", code="national_root")
    if org_type in TERRITORIAL_LEVEL:
        if parent.org_type not in TERRITORIAL_LEVEL:
            raise ValidationError(
                f"{OrgType(org_type).label}不能隶属于{OrgType(parent.org_type).label}“{parent.name}”。",
                code="territorial_under_side",
            )
        if TERRITORIAL_LEVEL[org_type] <= parent.level:
            raise ValidationError(
                f"{OrgType(org_type).label}的层级必须低于上级“{parent.name}”（{Level(parent.level).label}）。",
                code="level_order",
            )


def validate_region_code(code: str) -> regions.Region:
    if not regions.CODE_RE.match(code):
        raise ValidationError(
            "区划代码应为6位行政区划代码或12位统计用区划代码（纯数字）。", code="region_format"
        )
    region = regions.lookup(code)
    if region is None:
        raise ValidationError(
            f"区划代码“{code}”不在{regions.code_year()}年统计用区划代码中。", code="region_unknown"
        )
    return region


def validate_region_within_parent(code: str, parent: OrgUnit | None) -> None:
    """A territorial unit's region lies inside its parent's region."""
    if not code or parent is None or not parent.region_code:
        return
    outer = regions.significant_prefix(parent.region_code)
    if not regions.significant_prefix(code).startswith(outer) or code == parent.region_code:
        parent_region = regions.lookup(parent.region_code)
        where = parent_region.name if parent_region else parent.region_code
        raise ValidationError(
            f"区划代码“{code}”不在上级单位“{parent.name}”的区划（{where}）范围内。",
            code="region_outside_parent",
        )
