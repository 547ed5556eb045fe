"""Reads of contests — always through the scoping mechanism (kexie.orgs.scoping).

The list pages read the parameters of the engine's provenance links (indicators/catalogue.py):
unit, own, period (举办日期 within), level, prize (one or several, comma-separated), stage, edition.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kexie.contests.models import Edition, Entry, EntryMember
from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope

register_scoped(Edition, via="org_unit")
register_scoped(Entry, via="org_unit")
register_scoped(EntryMember, via="entry__org_unit")


def edition_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Edition]:
    return scope(Edition.objects.select_related("org_unit"), access, action).order_by("-held_on", "-pk")


def edition_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Edition:
    return get_in_scope(Edition.objects.select_related("org_unit"), access, action, pk=pk)


def _ancestor_paths(path: str) -> list[str]:
    step = OrgUnit.steplen
    return [path[:n] for n in range(step, len(path), step)]


def edition_options(access: Access) -> QuerySet[Edition]:
    """Editions an entry may be entered for: those kept in the caller's scope and those of the units
    above it (a county submits its schools' entries to the city's contest, as activity brands set up
    above are inherited below: kexie.activities.selectors.campaign_choices). Only their names and
    dates are offered; their pages stay in their own unit's scope."""
    if access.root_path is None or not access.can(Action.VIEW):
        return Edition.objects.none()
    return (
        Edition.objects.filter(
            Q(pk__in=scope(Edition.objects.all(), access).values("pk"))
            | Q(org_unit__path__in=_ancestor_paths(access.root_path))
        )
        .select_related("org_unit")
        .order_by("-held_on", "-pk")
    )


def entry_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Entry]:
    return scope(
        Entry.objects.select_related("org_unit", "edition", "advanced_from__edition"), access, action
    ).order_by("-edition__held_on", "-pk")


def entry_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Entry:
    return get_in_scope(
        Entry.objects.select_related("org_unit", "edition", "tutor", "advanced_from__edition"),
        access,
        action,
        pk=pk,
    )


def held_within(period: Period) -> Q:
    return Q(edition__held_on__gte=period.start, edition__held_on__lte=period.end)


def edition_held_within(period: Period) -> Q:
    return Q(held_on__gte=period.start, held_on__lte=period.end)


def entry_trail(entry: Entry) -> list[Entry]:
    """The entry's way up: the entries it advanced from (lowest level first), itself, and those it
    advanced to (each level's next round), as far as they were recorded."""
    down: list[Entry] = []
    current = entry.advanced_from
    while current is not None and len(down) < 5:
        down.insert(0, current)
        current = current.advanced_from
    up: list[Entry] = []
    current = entry
    while len(up) < 5:
        nxt = Entry.objects.filter(advanced_from=current).select_related("edition").first()
        if nxt is None:
            break
        up.append(nxt)
        current = nxt
    return [*down, entry, *up]


def edition_schools(*, access: Access, edition: Edition) -> list[tuple[str, int]]:
    """Schools taking part in `edition` (entries in scope): (school, number of entries), by name."""
    rows = (
        scope(EntryMember.objects.filter(edition=edition), access)
        .values_list("school", "entry_id")
        .distinct()
    )
    counts: dict[str, set[int]] = {}
    for school, entry_id in rows:
        counts.setdefault(school, set()).add(entry_id)
    return sorted(((s, len(ids)) for s, ids in counts.items()), key=lambda x: x[0])


def edition_summary(*, access: Access, edition: Edition) -> dict:
    entries = scope(Entry.objects.filter(edition=edition), access)
    members = scope(EntryMember.objects.filter(edition=edition), access)
    return {
        "entries": entries.count(),
        "awarded": entries.exclude(prize="").count(),
        "students": members.values("person").distinct().count(),
        "schools": members.values("school").distinct().count(),
    }
