"""Builders and independent reference computations for the indicator engine tests.

Nothing here imports the engine: the expectations are plain Python over the same records, and
`listed()` reads a provenance URL with the list-page contract's semantics, so that the engine's SQL
is checked against a second, deliberately naive implementation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit

NO_MEMBER = ""  # the engine's key for "no campaign" / "no target group"


@dataclass(frozen=True)
class Rec:
    """An activity as the expectations see it: plain values, no ORM."""

    pk: int
    unit_id: int
    path: str
    type_code: str
    academic: bool
    campaign: str | None
    day: dt.date
    participants: int
    online_views: int
    sci_workers: int
    volunteers: int
    is_key: bool
    status: str
    targets: frozenset[str]


def make_activities(specs: Iterable[dict]) -> list[Rec]:
    """Create activities with bulk_create (no services: the tests need exact control of every field).

    Each spec: unit (OrgUnit), type, day, and optionally campaign, participants, online_views,
    sci_workers, volunteers, is_key, status, targets (codes), end (date)."""
    types = {t.code: t for t in ActivityType.objects.all()}
    campaigns = {c.code: c for c in Campaign.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    specs = list(specs)
    objs = [
        Activity(
            org_unit=s["unit"],
            title=s.get("title") or f"测试活动{n}",
            activity_type=types[s["type"]],
            campaign=campaigns[s["campaign"]] if s.get("campaign") else None,
            start_date=s["day"],
            end_date=s.get("end") or s["day"],
            participants=s.get("participants", 0),
            online_views=s.get("online_views", 0),
            sci_workers=s.get("sci_workers", 0),
            volunteers=s.get("volunteers", 0),
            is_key=s.get("is_key", False),
            status=s.get("status", Activity.Status.HELD),
        )
        for n, s in enumerate(specs)
    ]
    created = Activity.objects.bulk_create(objs)
    through = Activity.target_groups.through
    through.objects.bulk_create(
        [
            through(activity_id=a.pk, targetgroup_id=groups[code].pk)
            for a, s in zip(created, specs, strict=True)
            for code in sorted(set(s.get("targets", ())))
        ]
    )
    facts.refresh(facts.cells_for(Activity.objects.filter(pk__in=[a.pk for a in created])))
    return [
        Rec(
            pk=a.pk,
            unit_id=s["unit"].pk,
            path=s["unit"].path,
            type_code=s["type"],
            academic=types[s["type"]].is_academic,
            campaign=s.get("campaign") or None,
            day=s["day"],
            participants=a.participants,
            online_views=a.online_views,
            sci_workers=a.sci_workers,
            volunteers=a.volunteers,
            is_key=a.is_key,
            status=a.status,
            targets=frozenset(s.get("targets", ())),
        )
        for a, s in zip(created, specs, strict=True)
    ]


# --------------------------------------------------------------------------- expectations

# Each indicator restated independently: (measure, predicate) where measure is "count", a field name
# to sum, ("distinct", field) or ("ratio", numerator, denominator, scale).
SPEC: dict[str, tuple] = {
    "popsci_activities": ("count", lambda r: not r.academic),
    "popsci_key_activities": ("count", lambda r: not r.academic and r.is_key),
    "popsci_major_activities": ("count", lambda r: not r.academic and r.participants >= 1000),
    "popsci_participants": ("participants", lambda r: not r.academic),
    "popsci_online_views": ("online_views", lambda r: not r.academic),
    "popsci_lectures": ("count", lambda r: not r.academic and r.type_code == "lecture"),
    "popsci_exhibitions": ("count", lambda r: not r.academic and r.type_code == "exhibition"),
    "popsci_consultations": ("count", lambda r: not r.academic and r.type_code == "consultation"),
    "popsci_trainings": ("count", lambda r: not r.academic and r.type_code == "training"),
    "popsci_youth_activities": ("count", lambda r: not r.academic and "youth" in r.targets),
    "science_day_month_activities": (
        "count",
        lambda r: not r.academic and r.campaign in ("science_day", "science_month"),
    ),
    "st_week_activities": ("count", lambda r: not r.academic and r.campaign == "st_week"),
    "popsci_organisers": (("distinct", "unit_id"), lambda r: not r.academic),
    "popsci_avg_participants": (("ratio", "popsci_participants", "popsci_activities", 1), None),
    "popsci_key_share": (("ratio", "popsci_key_activities", "popsci_activities", 100), None),
    "academic_activities": ("count", lambda r: r.academic),
    "academic_participants": ("participants", lambda r: r.academic),
    "activities": ("count", lambda r: True),
    "participants": ("participants", lambda r: True),
    "sci_worker_participation": ("sci_workers", lambda r: True),
    "org_units": ("stock", None),  # org units in force on the period's last day (not activities)
    "volunteer_participation": ("volunteers", lambda r: True),
}


def member_of(rec: Rec, dim: str | None, key: str | None) -> bool:
    if dim is None or key is None:
        return True
    if dim == "type":
        return rec.type_code == key
    if dim == "campaign":
        return rec.campaign == key if key != NO_MEMBER else rec.campaign is None
    if dim == "target":
        return key in rec.targets if key != NO_MEMBER else not rec.targets
    raise ValueError(dim)


def behind(
    code: str,
    recs: Iterable[Rec],
    period: Period,
    path: str,
    *,
    own_only: bool = False,
    dim: str | None = None,
    key: str | None = None,
) -> list[Rec]:
    """The records an aggregate indicator's value is made of."""
    _, predicate = SPEC[code]
    return [
        r
        for r in recs
        if r.status == Activity.Status.HELD
        and period.start <= r.day <= period.end
        and (r.path == path if own_only else r.path.startswith(path))
        and member_of(r, dim, key)
        and predicate(r)
    ]


def expected(code: str, recs: list[Rec], period: Period, path: str, **kw):
    measure, _ = SPEC[code]
    if isinstance(measure, tuple) and measure[0] == "ratio":
        _, num_code, den_code, scale = measure
        num = expected(num_code, recs, period, path, **kw)
        den = expected(den_code, recs, period, path, **kw)
        return None if not den else num / den * scale
    if measure == "stock":
        return units_in_force(period.end, path, own_only=kw.get("own_only", False), key=kw.get("key"))
    rows = behind(code, recs, period, path, **kw)
    if measure == "count":
        return len(rows)
    if isinstance(measure, tuple):
        return len({getattr(r, measure[1]) for r in rows})
    return sum(getattr(r, measure) for r in rows)


def units_in_force(day: dt.date, path: str, *, own_only: bool = False, key: str | None = None) -> int:
    """Org units of the subtree at `path` (or only that unit) existing on `day`: founded (or no
    date) on or before it and not closed on or before it; `key` an org type."""
    return sum(
        1
        for u in OrgUnit.objects.all()
        if (u.path == path if own_only else u.path.startswith(path))
        and (u.active_from is None or u.active_from <= day)
        and (u.active_to is None or u.active_to > day)
        and (key is None or u.org_type == key)
    )


# --------------------------------------------------------------------------- provenance


def listed(url: str, recs: Iterable[Rec], paths: dict[int, str] | None = None) -> list[Rec]:
    """The records a list page following the provenance contract (src/kexie/activities/filters.py)
    shows for `url`: period (start date inside, both ends inclusive), unit (that unit and its
    subtree), own=1 (the unit's own records only), type, campaign (codes separated by commas, "none"
    for no campaign), key=1|0, academic=1|0, target (a code or "none"), min_participants, status
    (held by default, "all", or one status). Unknown parameters fail the test."""
    parts = urlsplit(url)
    assert parts.path == "/activities/"
    params = {k: v for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    assert all(len(v) == 1 for v in params.values()), url
    p = {k: v[0] for k, v in params.items()}
    known = {
        "period",
        "unit",
        "own",
        "type",
        "campaign",
        "key",
        "academic",
        "target",
        "min_participants",
        "status",
    }
    assert set(p) <= known, f"unexpected parameters in {url}"
    period = Period.parse(p["period"])
    unit_id = int(p["unit"])
    unit_path = paths[unit_id] if paths else OrgUnit.objects.get(pk=unit_id).path
    status = p.get("status", Activity.Status.HELD)
    campaigns = set(p["campaign"].split(",")) if "campaign" in p else None
    out = []
    for r in recs:
        if status != "all" and r.status != status:
            continue
        if not period.start <= r.day <= period.end:
            continue
        if not (r.path == unit_path if p.get("own") == "1" else r.path.startswith(unit_path)):
            continue
        if "type" in p and r.type_code != p["type"]:
            continue
        if campaigns is not None and (r.campaign or "none") not in campaigns:
            continue
        if "key" in p and r.is_key != (p["key"] == "1"):
            continue
        if "academic" in p and r.academic != (p["academic"] == "1"):
            continue
        if "target" in p and (bool(r.targets) if p["target"] == "none" else p["target"] not in r.targets):
            continue
        if "min_participants" in p and r.participants < int(p["min_participants"]):
            continue
        out.append(r)
    return out
