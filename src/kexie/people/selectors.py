"""Reads of people — always through the scoping mechanism — and the display helpers other apps use.

`masked_phone(person)` and `person_label(person)` are how any page shows a person; the whole phone
number is shown only by the logged 查看完整号码 action (services.reveal_phone).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope
from kexie.people.models import Person, PersonalDataAccess, PersonRole, Post, Township

register_scoped(Person, via="org_unit")
register_scoped(PersonRole, via="person__org_unit")
register_scoped(PersonalDataAccess, via="person__org_unit")
register_scoped(Post, via="org_unit")
register_scoped(Township, via="org_unit")

HistoricalPerson = Person.history.model


def mask_phone_number(phone: str) -> str:
    """138****1234: the first three and last four digits of a mobile number; shorter numbers all masked."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def masked_phone(person: Person) -> str:
    return mask_phone_number(person.phone)


def person_label(person: Person) -> str:
    """张三（某某研究所）: the name with the employer, how a person is named in lists and messages."""
    return f"{person.name}（{person.employer}）" if person.employer else person.name


def role_in_force_q(at: dt.date, role: str | None = None) -> Q:
    """People holding a role (`role`, or any) on day `at`: its 起始日期 empty or not after `at`, its
    截止日期 empty or not before `at` — what the 登记科技工作者/专家人数 stocks count on that day
    (indicators catalogue: StockAt on since/until, inclusive), so their links list exactly them."""
    rows = PersonRole.objects.filter(person=OuterRef("pk")).filter(
        Q(since__isnull=True) | Q(since__lte=at), Q(until__isnull=True) | Q(until__gte=at)
    )
    return Q(Exists(rows.filter(role=role) if role else rows))


def person_list(
    *, access: Access, action: Action = Action.VIEW, include_merged: bool = False
) -> QuerySet[Person]:
    """People kept by the active unit's subtree (merged duplicates left out unless asked for)."""
    qs = scope(Person.objects.select_related("org_unit").prefetch_related("roles"), access, action)
    return qs if include_merged else qs.filter(merged_into__isnull=True)


def person_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Person:
    """One person in scope (a merged duplicate too: it keeps its history), or 404."""
    return get_in_scope(
        Person.objects.select_related("org_unit", "created_by", "merged_into"), access, action, pk=pk
    )


def role_labels(person: Person) -> list[str]:
    return [r.get_role_display() for r in person.roles.all()]


def data_access_list(*, access: Access) -> QuerySet[PersonalDataAccess]:
    """The personal-data access log of the people kept in the active subtree (管理员 only)."""
    if not access.can(Action.MANAGE):
        return PersonalDataAccess.objects.none()
    return scope(
        PersonalDataAccess.objects.select_related("user", "person", "person__org_unit"), access, Action.MANAGE
    )


def posts_of(*, access: Access, person: Person) -> QuerySet[Post]:
    return scope(Post.objects.filter(person=person).select_related("org_unit"), access, Action.VIEW)


def post_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Post]:
    return scope(Post.objects.select_related("org_unit", "person"), access, action)


def post_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Post:
    return get_in_scope(
        Post.objects.select_related("org_unit", "person", "created_by"), access, action, pk=pk
    )


def in_office_q(day):
    """Posts held on `day` (the term started and has not ended before it)."""
    from django.db.models import Q

    return Q(term_start__lte=day) & (Q(term_end__isnull=True) | Q(term_end__gte=day))
