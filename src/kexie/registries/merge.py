"""How designations and facilities move when their unit is merged into another (kexie.orgs.merging).

The target continues the source's work, so everything the source kept moves to it: designations it
manages (`org_unit`), those it holds as 承担单位 (`holder_unit`, with the holder's identity) or issued
(`issuer_unit`), its facilities, the trips it hosted and its local programmes. Two live designations of
one holder under one programme and level, or two facilities of one kind and name, would clash at the
target: the merge is refused before anything is written, naming both records.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from kexie.core.errors import DomainError
from kexie.orgs.merging import merge_reason, move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit
from kexie.registries.models import LIVE_STATES, Designation, Facility, FacilityTrip, Programme


def _check_clashes(source: OrgUnit, target: OrgUnit) -> None:
    held = Designation.objects.filter(holder_unit=source, state__in=LIVE_STATES).select_related("programme")
    for d in held:
        other = (
            Designation.objects.filter(
                holder_key=Designation.key_for(target.pk, "", ""),
                programme=d.programme,
                level=d.level,
                state__in=LIVE_STATES,
            )
            .exclude(pk=d.pk)
            .first()
        )
        if other is not None:
            raise DomainError(
                f"无法合并：“{source.name}”的{d.get_level_display()}{d.programme.name}（编号{d.pk}）与"
                f"“{target.name}”的同级同名称号（编号{other.pk}）重复。请先将其中一条办理撤销或到期，再合并。"
            )
    names = Facility.objects.filter(org_unit=target).values_list("kind", "name")
    taken = set(names)
    for f in Facility.objects.filter(org_unit=source):
        if (f.kind, f.name) in taken:
            raise DomainError(
                f"无法合并：“{source.name}”的{f.get_kind_display()}“{f.name}”与“{target.name}”的同名设施重复。"
                "请先修改其中一个的名称，再合并。"
            )


def merge_registries(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    _check_clashes(source, target)
    reason = merge_reason(source, target)
    try:
        with transaction.atomic():
            held = Designation.objects.filter(holder_unit=source)
            held.update(holder_key=Designation.key_for(target.pk, "", ""))
            move_rows(held, target, field="holder_unit", reason=reason)
            move_rows(
                Designation.objects.filter(issuer_unit=source), target, field="issuer_unit", reason=reason
            )
            moved = move_rows(Designation.objects.filter(org_unit=source), target, reason=reason)
            moved += move_rows(Facility.objects.filter(org_unit=source), target, reason=reason)
            move_rows(FacilityTrip.objects.filter(host_unit=source), target, field="host_unit", reason=reason)
            Programme.objects.filter(org_unit=source).update(org_unit=target)
    except IntegrityError as exc:  # a clash the checks above did not foresee
        raise DomainError(
            f"无法合并：“{source.name}”的称号/平台或科普设施与“{target.name}”的记录重复，请先核对两边的记录。"
        ) from exc
    return moved


def count_registries(source: OrgUnit) -> int:
    return (
        Designation.objects.filter(org_unit=source).count() + Facility.objects.filter(org_unit=source).count()
    )


register_merge_handler("称号/平台与科普设施", merge_registries, count=count_registries)
