"""How people move when their keeping unit is merged into another (kexie.orgs.merging), and how the
people app's own rows (任职) move when a duplicate person is merged (kexie.people.merging)."""

from __future__ import annotations

import datetime as dt

from kexie.core.errors import DomainError
from kexie.orgs.merging import merge_reason, move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit
from kexie.people import merging
from kexie.people.models import Person, Post, Township
from kexie.people.services import move_person_rows


def merge_people(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    """The people a unit keeps, and the posts of its leadership, move to the unit continuing its work."""
    reason = merge_reason(source, target)
    moved = move_rows(Person.objects.filter(org_unit=source), target, reason=reason)
    moved += move_rows(Post.objects.filter(org_unit=source), target, reason=reason)
    # the townships of a merged county now lie in the region of the unit continuing its work
    Township.objects.filter(org_unit=source).update(org_unit=target)
    return moved


register_merge_handler(
    "人员与任职",
    merge_people,
    count=lambda source: (
        Person.objects.filter(org_unit=source).count() + Post.objects.filter(org_unit=source).count()
    ),
)


def merge_posts(source: Person, target: Person) -> int:
    posts = Post.objects.filter(person=source)
    for post in posts:
        clash = Post.objects.filter(
            person=target, org_unit=post.org_unit, position=post.position, term_start=post.term_start
        ).first()
        if clash is not None:
            raise DomainError(
                f"无法合并：{source.name}和{target.name}都登记了“{post.org_unit.name}”"
                f"{post.get_position_display()}（{post.term_start:%Y年%m月%d日}起）的任职，请先删除其中一条。"
            )
    return move_person_rows(posts, target)


merging.register("任职", merge_posts, count=lambda p: Post.objects.filter(person=p).count())
