"""How contest editions and entries move when their unit is merged into another (kexie.orgs.merging):
the target continues the source's work, so every edition and entry the source kept moves to it. Two
editions of one name would clash at the target: the merge is refused before anything is written."""

from __future__ import annotations

import datetime as dt

from kexie.contests.models import Edition, Entry
from kexie.core.errors import DomainError
from kexie.orgs.merging import merge_reason, move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit


def merge_contests(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    taken = set(Edition.objects.filter(org_unit=target).values_list("name", flat=True))
    for edition in Edition.objects.filter(org_unit=source):
        if edition.name in taken:
            raise DomainError(
                f"无法合并：“{source.name}”的赛事“{edition.name}”与“{target.name}”登记的同名赛事重复。"
                "请先修改其中一个的名称，再合并。"
            )
    reason = merge_reason(source, target)
    moved = move_rows(Edition.objects.filter(org_unit=source), target, reason=reason)
    moved += move_rows(Entry.objects.filter(org_unit=source), target, reason=reason)
    return moved


def count_contests(source: OrgUnit) -> int:
    return Edition.objects.filter(org_unit=source).count() + Entry.objects.filter(org_unit=source).count()


register_merge_handler("青少年科技创新大赛", merge_contests, count=count_contests)


# ---- person merges (kexie.people.merging): a duplicate student's or tutor's entries move to the person
# kept; the two may not both be students of one edition (one entry per student per edition).


def merge_contest_people(source, target) -> int:
    from kexie.contests.models import EntryMember
    from kexie.people.services import move_person_rows

    clash = (
        EntryMember.objects.filter(
            person=source, edition__in=EntryMember.objects.filter(person=target).values("edition")
        )
        .select_related("edition")
        .first()
    )
    if clash is not None:
        raise DomainError(
            f"无法合并：{source.name}和{target.name}在“{clash.edition.name}”中各有一项参赛作品，"
            "合并后就成了一名学生同届报两项作品。请先核对这两项作品。"
        )
    moved = move_person_rows(EntryMember.objects.filter(person=source), target)
    return moved + move_person_rows(Entry.objects.filter(tutor=source), target, field="tutor")


def _count_people(person) -> int:
    from kexie.contests.models import EntryMember

    return EntryMember.objects.filter(person=person).count() + Entry.objects.filter(tutor=person).count()


def _register_person_merge() -> None:
    from kexie.people.merging import register

    register("参赛作品的学生和辅导教师", merge_contest_people, count=_count_people)


_register_person_merge()
