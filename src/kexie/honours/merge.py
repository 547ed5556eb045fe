"""How honours move when their unit is merged into another (kexie.orgs.merging).

The target continues the source's work: the rounds it organised, the nominations it made, the awards it
keeps and its local programmes move to it. Two rounds of one programme, level and year at the target
would clash: the merge is refused before anything is written, naming both.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from kexie.core.errors import DomainError
from kexie.honours.models import Award, Nomination, Programme, Round
from kexie.orgs.merging import merge_reason, move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit


def merge_honours(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    theirs = set(Round.objects.filter(org_unit=target).values_list("programme_id", "level", "year"))
    for r in Round.objects.filter(org_unit=source).select_related("programme"):
        if (r.programme_id, r.level, r.year) in theirs:
            raise DomainError(
                f"无法合并：“{source.name}”的“{r.title}”与“{target.name}”同年度同级同项目的轮次重复。"
                "请先核对两边的轮次，再合并。"
            )
    reason = merge_reason(source, target)
    try:
        with transaction.atomic():
            moved = move_rows(Round.objects.filter(org_unit=source), target, reason=reason)
            moved += move_rows(Nomination.objects.filter(org_unit=source), target, reason=reason)
            moved += move_rows(Award.objects.filter(org_unit=source), target, reason=reason)
            Programme.objects.filter(org_unit=source).update(org_unit=target)
    except IntegrityError as exc:
        raise DomainError(f"无法合并：“{source.name}”的荣誉推荐记录与“{target.name}”的记录重复。") from exc
    return moved


def count_honours(source: OrgUnit) -> int:
    return sum(m.objects.filter(org_unit=source).count() for m in (Round, Nomination, Award))


register_merge_handler("荣誉推荐与表彰", merge_honours, count=count_honours)


# ---- person merges (kexie.people.merging): a duplicate person's honours move to the person kept


def _merged_key(source, target) -> str:
    hash_ = target.id_hash or source.id_hash
    return f"i:{hash_}" if hash_ else f"p:{target.pk}"


def merge_honour_people(source, target) -> int:
    from kexie.honours.models import LIVE_STATES, Recipient
    from kexie.people.services import move_person_rows

    both = Recipient.objects.filter(
        person=source, award__in=Recipient.objects.filter(person=target).values("award")
    ).select_related("award__programme")
    clash = both.first()
    if clash is not None:
        raise DomainError(
            f"无法合并：{source.name}和{target.name}都是“{clash.award}”的受表彰人员，请先核对这条获奖记录。"
        )
    same_round = (
        Nomination.objects.filter(person=source, state__in=LIVE_STATES)
        .filter(round__in=Nomination.objects.filter(person=target, state__in=LIVE_STATES).values("round"))
        .select_related("round")
        .first()
    )
    if same_round is not None:
        raise DomainError(
            f"无法合并：{source.name}和{target.name}在“{same_round.round.title}”中各有一条推荐，请先撤回其中一条。"
        )
    moved = move_person_rows(Award.objects.filter(person=source), target)
    moved += Recipient.objects.filter(person=source).update(person=target)
    nominations = Nomination.objects.filter(person__in=[source, target])
    ids = list(nominations.values_list("pk", flat=True))
    moved += move_person_rows(Nomination.objects.filter(person=source), target)
    Nomination.objects.filter(pk__in=ids).update(nominee_key=_merged_key(source, target))
    through = Nomination.members.through
    teams = through.objects.filter(person=target).values("nomination")
    through.objects.filter(person=source, nomination__in=teams).delete()
    moved += through.objects.filter(person=source).update(person=target)
    return moved


def _count_people(person) -> int:
    from kexie.honours.models import Recipient

    return Recipient.objects.filter(person=person).count() + Nomination.objects.filter(person=person).count()


def _register_person_merge() -> None:
    from kexie.people.merging import register

    register("荣誉推荐与表彰", merge_honour_people, count=_count_people)


_register_person_merge()
