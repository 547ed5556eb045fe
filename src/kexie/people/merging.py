"""Person merges (合并重复登记的人员): how the records naming a duplicate reach the person it is merged into.

`kexie.people.services.person_merge` merges B into A: roles are united, A's blank fields are filled
from B, B keeps its history and `merged_into=A`. Every app whose rows name a person registers a
handler here — in its `merge.py` (the module kexie.orgs already imports at start-up for unit merges):

    # src/kexie/<app>/merge.py
    from kexie.people.merging import register
    from kexie.people.services import move_person_rows

    def merge_award_people(source, target) -> int:
        clash = AwardWinner.objects.filter(person=source, award__in=AwardWinner.objects.filter(person=target).values("award"))
        if (a := clash.first()) is not None:
            raise DomainError(f"无法合并：{source.name}和{target.name}都是“{a.award}”的获奖人……")
        return move_person_rows(AwardWinner.objects.filter(person=source), target)

    register("获奖人员", merge_award_people, count=lambda p: AwardWinner.objects.filter(person=p).count())

The contract of a handler `fn(source, target) -> int | None`: it runs inside the merge's transaction
(the actor is `kexie.orgs.merging.merge_actor()`), moves its rows (`move_person_rows`), returns how
many moved, and raises `DomainError` with a Chinese message naming both records on a clash, before
writing — the whole merge is then undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PersonMergeFn = Callable[..., int | None]


@dataclass(frozen=True)
class PersonMergeHandler:
    label: str  # what moves, in Chinese: "任职"
    move: PersonMergeFn
    count: Callable[..., int] | None = None


_HANDLERS: dict[str, PersonMergeHandler] = {}


def register(label: str, fn: PersonMergeFn, *, count: Callable[..., int] | None = None) -> PersonMergeHandler:
    """Register how one app's rows move on a person merge; registering a label again replaces it."""
    handler = PersonMergeHandler(label=label, move=fn, count=count)
    _HANDLERS[label] = handler
    return handler


def handlers() -> list[PersonMergeHandler]:
    return list(_HANDLERS.values())
