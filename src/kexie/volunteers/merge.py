"""How volunteering moves when a unit is merged into another (kexie.orgs.merging): the target
continues the source's work, so its teams (with their roster lines), volunteers, service records and
star scale move to it. Two teams of one name would clash: the merge is refused before anything moves."""

from __future__ import annotations

import datetime as dt

from kexie.core.errors import DomainError
from kexie.orgs.merging import merge_reason, move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit
from kexie.volunteers.models import ServiceRecord, StarScale, Team, TeamMember, Volunteer


def merge_volunteers(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    taken = set(Team.objects.filter(org_unit=target).values_list("name", flat=True))
    for team in Team.objects.filter(org_unit=source):
        if team.name in taken:
            raise DomainError(
                f"无法合并：“{source.name}”的服务队“{team.name}”与“{target.name}”的同名服务队重复。"
                "请先修改其中一个的名称，再合并。"
            )
    if (
        StarScale.objects.filter(org_unit=source).exists()
        and StarScale.objects.filter(org_unit=target).exists()
    ):
        StarScale.objects.filter(org_unit=source).delete()  # the target's own scale goes on applying
    reason = merge_reason(source, target)
    moved = move_rows(Team.objects.filter(org_unit=source), target, reason=reason)
    moved += move_rows(TeamMember.objects.filter(org_unit=source), target, reason=reason)
    moved += move_rows(Volunteer.objects.filter(org_unit=source), target, reason=reason)
    moved += move_rows(ServiceRecord.objects.filter(org_unit=source), target, reason=reason)
    StarScale.objects.filter(org_unit=source).update(org_unit=target)
    return moved


def count_volunteers(source: OrgUnit) -> int:
    return Team.objects.filter(org_unit=source).count() + Volunteer.objects.filter(org_unit=source).count()


register_merge_handler("科技志愿服务", merge_volunteers, count=count_volunteers)


# ---- person merges (kexie.people.merging): a duplicate's volunteer registration goes to the person kept
# — moved as it is when the kept person has none, else its roster lines join the kept registration
# (one person, one registration) and its own registration is removed (its history stays).


def merge_volunteer_people(source, target) -> int:
    from kexie.orgs.merging import move_rows as move
    from kexie.people.services import move_person_rows
    from kexie.volunteers.services import _refresh_totals

    duplicate = Volunteer.objects.filter(person=source).first()
    if duplicate is None:
        return 0
    kept = Volunteer.objects.filter(person=target).first()
    if kept is None:
        moved = move_person_rows(Volunteer.objects.filter(pk=duplicate.pk), target)
        Volunteer.objects.filter(pk=duplicate.pk).update(name=target.name)
        return moved
    clash = (
        TeamMember.objects.filter(
            volunteer=duplicate, team__in=TeamMember.objects.filter(volunteer=kept).values("team")
        )
        .select_related("team")
        .first()
    )
    if clash is not None:
        raise DomainError(
            f"无法合并：{source.name}和{target.name}都在服务队“{clash.team.name}”的名册中。"
            "请先核对这两条入队记录（如为同一人重复登记，给其中一条填写退出日期并说明）。"
        )
    moved = move(
        TeamMember.objects.filter(volunteer=duplicate), kept, field="volunteer", reason="重复登记的人员合并"
    )
    TeamMember.objects.filter(volunteer=kept).update(name=target.name)
    if duplicate.registered_on < kept.registered_on:
        Volunteer.objects.filter(pk=kept.pk).update(registered_on=duplicate.registered_on)
    duplicate._change_reason = "重复登记的人员合并"
    duplicate.delete()
    _refresh_totals(Volunteer.objects.get(pk=kept.pk))
    return moved + 1


def _count_people(person) -> int:
    return Volunteer.objects.filter(person=person).count()


def _register_person_merge() -> None:
    from kexie.people.merging import register

    register("科技志愿者登记与名册", merge_volunteer_people, count=_count_people)


_register_person_merge()
