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
    "sci_worker_participation": ("sci_workers", lambda r: True),
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
    rows = behind(code, recs, period, path, **kw)
    if measure == "count":
        return len(rows)
    if isinstance(measure, tuple):
        return len({getattr(r, measure[1]) for r in rows})
    return sum(getattr(r, measure) for r in rows)


# --------------------------------------------------------------------------- provenance


def listed(url: str, recs: Iterable[Rec], paths: dict[int, str] | None = None) -> list[Rec]:
    """The records a list page following the provenance contract shows for `url`:
    period (start date inside, both ends inclusive), unit (that unit and its subtree), type, campaign,
    key=1, academic=1|0, target; status held by default. Unknown parameters fail the test."""
    parts = urlsplit(url)
    assert parts.path == "/activities/"
    params = {k: v for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    assert all(len(v) == 1 for v in params.values()), url
    p = {k: v[0] for k, v in params.items()}
    known = {"period", "unit", "type", "campaign", "key", "academic", "target"}
    assert set(p) <= known, f"unexpected parameters in {url}"
    period = Period.parse(p["period"])
    unit_id = int(p["unit"])
    unit_path = paths[unit_id] if paths else OrgUnit.objects.get(pk=unit_id).path
    out = []
    for r in recs:
        if r.status != Activity.Status.HELD or not period.start <= r.day <= period.end:
            continue
        if not r.path.startswith(unit_path):
            continue
        if "type" in p and r.type_code != p["type"]:
            continue
        if "campaign" in p and r.campaign != p["campaign"]:
            continue
        if p.get("key") == "1" and not r.is_key:
            continue
        if "academic" in p and r.academic != (p["academic"] == "1"):
            continue
        if "target" in p and p["target"] not in r.targets:
            continue
        out.append(r)
    return out
