"""Builders and independent reference computations for the indicator engine tests.

Nothing here imports the engine: the expectations are plain Python over the same records, and
`listed()` reads a provenance URL with the list-page contract's semantics, so that the engine's SQL
is checked against a second, deliberately naive implementation.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit

NO_MEMBER = ""  # the engine's key for "no campaign" / "no target group"

_FROZEN: dict[str, list] | None = None


@contextmanager
def frozen():
    """While no row changes (checking the figures of one result), each restatement below reads its
    table once instead of once per figure: one query per figure cost tens of thousands of queries per
    property run, most of that test's time on PostgreSQL. Never write records inside the block."""
    global _FROZEN
    outer = _FROZEN
    _FROZEN = {} if outer is None else outer
    try:
        yield
    finally:
        _FROZEN = outer


def snapshot(name: str, query: Callable[[], Iterable]) -> list:
    """`list(query())`, read once per `frozen()` block (`name` names the query within the block)."""
    if _FROZEN is None:
        return list(query())
    if name not in _FROZEN:
        _FROZEN[name] = list(query())
    return _FROZEN[name]


def _units() -> list[OrgUnit]:
    return snapshot("orgunits", OrgUnit.objects.all)


@functools.cache
def _period(text: str) -> Period:
    return Period.parse(text)  # a provenance walk parses the same few period strings thousands of times


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
    beneficiaries: int = 0
    sessions: int = 1
    series: str | None = None
    materials_copies: int = 0
    materials_kinds: int = 0
    facility_id: int | None = None
    facility_kind: str | None = None


def make_activities(specs: Iterable[dict]) -> list[Rec]:
    """Create activities with bulk_create (no services: the tests need exact control of every field).

    Each spec: unit (OrgUnit), type, day, and optionally campaign, participants, online_views,
    sci_workers, volunteers, is_key, status, targets (codes), end (date), beneficiaries, sessions,
    series, edition, materials_copies, materials_kinds, facility (a registries Facility)."""
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
            beneficiaries=s.get("beneficiaries", 0),
            sessions=s.get("sessions", 1),
            series=s.get("series"),
            edition=s.get("edition"),
            materials_copies=s.get("materials_copies", 0),
            materials_kinds=s.get("materials_kinds", 0),
            facility=s.get("facility"),
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
            beneficiaries=a.beneficiaries,
            sessions=a.sessions,
            series=a.series,
            materials_copies=a.materials_copies,
            materials_kinds=a.materials_kinds,
            facility_id=a.facility_id,
            facility_kind=s["facility"].kind if s.get("facility") else None,
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
    "org_units_founded": ("founded", None),  # org units founded within the period
    "volunteer_participation": ("volunteers", lambda r: True),
    # activity line (issue 9 item 4)
    "popsci_beneficiaries": ("beneficiaries", lambda r: not r.academic),
    "academic_sessions": ("sessions", lambda r: r.academic),
    "series_editions": ("count", lambda r: r.series is not None),
    "series_participants": ("participants", lambda r: r.series is not None),
    "materials_copies": ("materials_copies", lambda r: True),
    "materials_kinds": ("materials_kinds", lambda r: True),
    "volunteer_service_activities": ("count", lambda r: r.type_code == "volunteer"),
    "volunteer_service_beneficiaries": ("beneficiaries", lambda r: r.type_code == "volunteer"),
    "popsci_contests": ("count", lambda r: not r.academic and r.type_code == "contest"),
    "caravan_activities": ("count", lambda r: not r.academic and r.type_code == "caravan"),
    "mobile_museum_activities": ("count", lambda r: not r.academic and r.type_code == "mobile_museum"),
    "training_participants": ("participants", lambda r: not r.academic and r.type_code == "training"),
    "farmer_activities": ("count", lambda r: not r.academic and "farmers" in r.targets),
    "farmer_participants": ("participants", lambda r: not r.academic and "farmers" in r.targets),
    "museum_activities": (
        "count",
        lambda r: r.facility_kind in ("museum", "theme_museum", "campus_museum"),
    ),
    "mobile_facility_activities": ("count", lambda r: r.facility_kind in ("mobile_museum", "caravan")),
    "science_day_month_participants": (
        "participants",
        lambda r: not r.academic and r.campaign in ("science_day", "science_month"),
    ),
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
    if dim == "facility":
        return rec.facility_id == key if key != NO_MEMBER else rec.facility_id is None
    if dim == "series":
        return rec.series == key if key != NO_MEMBER else rec.series is None
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
    if measure == "founded":
        return units_founded(period, path, own_only=kw.get("own_only", False), key=kw.get("key"))
    if isinstance(measure, tuple) and measure[0] == "registry":
        return registry_expected(measure, SPEC[code][1], period, path, own_only=kw.get("own_only", False))
    if isinstance(measure, tuple) and measure[0] == "honour":  # issue 11
        return honour_expected(measure, SPEC[code][1], period, path, own_only=kw.get("own_only", False))
    if isinstance(measure, tuple) and measure[0] == "people":  # issue 11 (people, posts, townships)
        return people_expected(measure, SPEC[code][1], period, path, own_only=kw.get("own_only", False))
    if isinstance(measure, tuple) and measure[0] == "cv":  # issue 11 (contests, volunteers)
        return contest_volunteer_expected(
            measure, SPEC[code][1], period, path, own_only=kw.get("own_only", False)
        )
    rows = behind(code, recs, period, path, **kw)
    if measure == "count":
        return len(rows)
    if isinstance(measure, tuple):
        return len({getattr(r, measure[1]) for r in rows})
    return sum(getattr(r, measure) for r in rows)


def units_founded(period: Period, path: str, *, own_only: bool = False, key: str | None = None) -> int:
    """Org units of the subtree at `path` (or only that unit) founded within `period`; `key` an org type."""
    return sum(
        1
        for u in _units()
        if (u.path == path if own_only else u.path.startswith(path))
        and u.active_from is not None
        and period.start <= u.active_from <= period.end
        and (key is None or u.org_type == key)
    )


def units_in_force(day: dt.date, path: str, *, own_only: bool = False, key: str | None = None) -> int:
    """Org units of the subtree at `path` (or only that unit) existing on `day`: founded (or no
    date) on or before it and not closed on or before it; `key` an org type."""
    return sum(
        1
        for u in _units()
        if (u.path == path if own_only else u.path.startswith(path))
        and (u.active_from is None or u.active_from <= day)
        and (u.active_to is None or u.active_to > day)
        and (key is None or u.org_type == key)
    )


# --------------------------------------------------------------------------- provenance


def listed_units(url: str) -> set[int]:
    """The org units the org list (src/kexie/orgs/views.py, its filter contract) shows for `url`:
    unit (that unit and its subtree), period (founded within, both ends inclusive), at (in force on
    that day: founded by then or undated, not closed on or before it), type (an org type), own=1 (the
    unit alone)."""
    parts = urlsplit(url)
    assert parts.path == "/orgs/"
    p = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert set(p) <= {"unit", "own", "period", "at", "type"}, url
    units = _units()
    (root,) = (u for u in units if u.pk == int(p["unit"]))
    own = p.get("own") == "1"
    period = _period(p["period"]) if "period" in p else None
    day = dt.date.fromisoformat(p["at"]) if "at" in p else None
    return {
        u.pk
        for u in units
        if (u.path == root.path if own else u.path.startswith(root.path))
        and (period is None or (u.active_from is not None and period.start <= u.active_from <= period.end))
        and (
            day is None
            or (
                (u.active_from is None or u.active_from <= day) and (u.active_to is None or u.active_to > day)
            )
        )
        and ("type" not in p or u.org_type == p["type"])
    }


def listed(url: str, recs: Iterable[Rec], paths: dict[int, str] | None = None) -> list[Rec]:
    """The records a list page following the provenance contract (src/kexie/activities/filters.py)
    shows for `url`: period (start date inside, both ends inclusive), unit (that unit and its
    subtree), own=1 (the unit's own records only), type, campaign (codes separated by commas, "none"
    for no campaign, "any" for some), key=1|0, academic=1|0, target (a code or "none"), series (a
    name), in_series=1|0, facility (an id), facility_kind (kinds separated by commas),
    min_participants, status
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
        "series",
        "in_series",
        "facility",
        "facility_kind",
        "min_participants",
        "status",
    }
    assert set(p) <= known, f"unexpected parameters in {url}"
    period = _period(p["period"])
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
            if not (r.campaign and "any" in campaigns):
                continue
        if "series" in p and r.series != p["series"]:
            continue
        if "facility" in p and r.facility_id != (None if p["facility"] == "none" else int(p["facility"])):
            continue
        if "facility_kind" in p and r.facility_kind not in p["facility_kind"].split(","):
            continue
        if "in_series" in p and (r.series is not None) != (p["in_series"] == "1"):
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


# ---- registries (issue 10): designations, facilities and trips restated over their rows (no engine).
# A designation is in force on day d when granted_on <= d <= valid_until (if set) and d < revoked_on
# (if set); a facility when opened_on (if set) <= d < closed_on (if set).


def _registry_spec() -> dict[str, tuple]:
    from kexie.registries.models import FacilityKind
    from kexie.registries.programmes import BUILT_IN

    spec: dict[str, tuple] = {
        "designations": (("registry", "designation", "stock"), lambda d: True),
        "designations_new": (("registry", "designation", "new"), lambda d: True),
        "reg_popsci_base_municipal_up": (
            ("registry", "designation", "stock"),
            lambda d: (
                d.programme.code == "popsci_base" and d.level in ("national", "provincial", "municipal")
            ),
        ),
        "facilities": (("registry", "facility", "stock"), lambda f: True),
        "facility_trips": (("registry", "trip", "count"), lambda t: True),
        "facility_trip_visitors": (("registry", "trip", "visitors"), lambda t: True),
    }
    for level in ("national", "provincial", "municipal", "county"):
        spec[f"designations_{level}"] = (
            ("registry", "designation", "stock"),
            lambda d, lv=level: d.level == lv,
        )
        spec[f"designations_{level}_new"] = (
            ("registry", "designation", "new"),
            lambda d, lv=level: d.level == lv,
        )
    for cat in ("popsci_site", "service_platform", "demonstration", "pilot"):
        spec[f"designations_{cat}"] = (
            ("registry", "designation", "stock"),
            lambda d, c=cat: d.programme.category == c,
        )
    for p in BUILT_IN:
        code = p["code"]
        spec[f"reg_{code}"] = (("registry", "designation", "stock"), lambda d, c=code: d.programme.code == c)
        spec[f"reg_{code}_new"] = (
            ("registry", "designation", "new"),
            lambda d, c=code: d.programme.code == c,
        )
        for level in ("national", "provincial", "municipal", "county"):
            pred = lambda d, c=code, lv=level: d.programme.code == c and d.level == lv  # noqa: E731
            spec[f"reg_{code}_{level}"] = (("registry", "designation", "stock"), pred)
            spec[f"reg_{code}_{level}_new"] = (("registry", "designation", "new"), pred)
    for kind in FacilityKind.values:
        spec[f"facilities_{kind}"] = (("registry", "facility", "stock"), lambda f, k=kind: f.kind == k)
    return spec


def registry_expected(measure: tuple, predicate, period: Period, path: str, *, own_only: bool = False) -> int:
    from kexie.registries.models import Designation, Facility, FacilityTrip

    _, record, how = measure
    day = period.end

    def within(unit_path: str) -> bool:
        return unit_path == path if own_only else unit_path.startswith(path)

    if record == "designation":
        found = [
            d
            for d in snapshot("designations", Designation.objects.select_related("programme", "org_unit").all)
            if within(d.org_unit.path)
        ]
        if how == "new":
            return sum(
                1
                for d in found
                if d.granted_on and period.start <= d.granted_on <= period.end and predicate(d)
            )
        return sum(
            1
            for d in found
            if d.granted_on is not None
            and d.granted_on <= day
            and (d.valid_until is None or day <= d.valid_until)
            and (d.revoked_on is None or day < d.revoked_on)
            and predicate(d)
        )
    if record == "facility":
        return sum(
            1
            for f in snapshot("facilities", Facility.objects.select_related("org_unit").all)
            if within(f.org_unit.path)
            and (f.opened_on is None or f.opened_on <= day)
            and (f.closed_on is None or day < f.closed_on)
            and predicate(f)
        )
    trips = [
        t
        for t in snapshot("trips", FacilityTrip.objects.select_related("facility__org_unit").all)
        if within(t.facility.org_unit.path) and period.start <= t.start_on <= period.end and predicate(t)
    ]
    return len(trips) if how == "count" else sum(t.visitors or 0 for t in trips)


def _declared() -> set[str]:
    from kexie.indicators.registry import indicators

    return {i.code for i in indicators()}


# (the restatement covers every level of every programme; the catalogue declares levels for some)
SPEC.update(
    {code: entry for code, entry in _registry_spec().items() if code not in SPEC and code in _declared()}
)


# ---- honours (issue 11): nominations put forward, awards and the persons they honour, restated over their
# rows (no engine); tests/honours/test_indicators.py compares every honour_* indicator with this.
HONOUR_UP = ("national", "provincial")
HONOUR_FORWARDED = ("publicised", "selected", "not_selected")


def _honour_spec() -> dict[str, tuple]:
    def up(n) -> bool:
        return n.round.level in HONOUR_UP and n.state in HONOUR_FORWARDED

    def municipal_zuimei(r) -> bool:
        return r.award.level == "municipal" and r.award.programme.code == "zuimei"

    spec: dict[str, tuple] = {
        "honour_nominations": (("honour", "nomination", "count"), lambda n: n.state in HONOUR_FORWARDED),
        "honour_nominations_up": (("honour", "nomination", "count"), lambda n: up(n) and n.round.programme.by_association),
        "honour_nominees_up": (("honour", "nomination", "nominee_key"), up),
        "honour_zuimei_nominees_up": (("honour", "nomination", "nominee_key"), lambda n: up(n) and n.round.programme.code == "zuimei"),
        "honour_awards": (("honour", "award", "count"), lambda a: True),
        "honour_person_times": (("honour", "recipient", "count"), lambda r: True),
        "honour_persons": (("honour", "recipient", "person_id"), lambda r: True),
        "honour_person_times_cast_up": (
            ("honour", "recipient", "count"),
            lambda r: r.award.level in HONOUR_UP and r.award.programme.by_association,
        ),
        "honour_person_times_municipal": (("honour", "recipient", "count"), lambda r: r.award.level == "municipal"),
        "honour_persons_municipal": (("honour", "recipient", "person_id"), lambda r: r.award.level == "municipal"),
        "honour_zuimei_municipal_person_times": (("honour", "recipient", "count"), municipal_zuimei),
        "honour_zuimei_municipal_persons": (("honour", "recipient", "person_id"), municipal_zuimei),
    }  # fmt: skip
    for level in ("national", "provincial", "municipal", "county"):
        spec[f"honour_awards_{level}"] = (("honour", "award", "count"), lambda a, lv=level: a.level == lv)
    return spec


def honour_expected(measure: tuple, predicate, period: Period, path: str, *, own_only: bool = False) -> int:
    from kexie.honours.models import Award, Nomination, Recipient

    _, record, how = measure

    def within(unit_path: str, day) -> bool:
        inside = unit_path == path if own_only else unit_path.startswith(path)
        return inside and day is not None and period.start <= day <= period.end

    if record == "nomination":
        rows = [
            n
            for n in Nomination.objects.select_related("org_unit", "round__programme")
            if within(n.org_unit.path, n.forwarded_on) and predicate(n)
        ]
    elif record == "award":
        rows = [
            a
            for a in Award.objects.select_related("org_unit", "programme")
            if within(a.org_unit.path, a.awarded_on) and predicate(a)
        ]
    else:
        rows = [
            r
            for r in Recipient.objects.select_related("award__org_unit", "award__programme")
            if within(r.award.org_unit.path, r.award.awarded_on) and predicate(r)
        ]
    return len(rows) if how == "count" else len({getattr(r, how) for r in rows})


SPEC.update(
    {code: entry for code, entry in _honour_spec().items() if code not in SPEC and code in _declared()}
)


# ---- people (issue 11): roles, posts, township 科协 and townships as of the period's last day, restated
# over their rows (no engine); tests/people/test_coverage.py pins hand counts on the demo tree.
PEOPLE_THREE_HEADS = ("hospital_head", "school_head", "agri_station_head")
PEOPLE_TOWNSHIP_TYPES = ("township", "subdistrict")


def _people_spec() -> dict[str, tuple]:
    return {
        "people_sci_workers": (("people", "role", "count"), lambda r: r.role == "sci_worker"),
        "people_experts": (("people", "role", "count"), lambda r: r.role == "expert"),
        "posts_three_heads_people": (
            ("people", "post", "person_id"),
            lambda p: p.source in PEOPLE_THREE_HEADS,
        ),
        "posts_three_heads": (("people", "post", "count"), lambda p: p.source in PEOPLE_THREE_HEADS),
        "township_posts_three_heads": (
            ("people", "post", "count"),
            lambda p: p.source in PEOPLE_THREE_HEADS and p.org_unit.org_type in PEOPLE_TOWNSHIP_TYPES,
        ),
        "township_units": (("people", "unit", "count"), lambda u: u.org_type in PEOPLE_TOWNSHIP_TYPES),
        "townships_total": (("people", "township", "count"), lambda t: True),
        "township_coverage": (("ratio", "township_units", "townships_total", 100), None),
        "township_units_three_heads": (
            ("people", "post", "org_unit_id"),
            lambda p: p.source in PEOPLE_THREE_HEADS and p.org_unit.org_type in PEOPLE_TOWNSHIP_TYPES,
        ),
        "township_three_heads_coverage": (
            ("ratio", "township_units_three_heads", "township_units", 100),
            None,
        ),
    }


def people_expected(measure: tuple, predicate, period: Period, path: str, *, own_only: bool = False) -> int:
    from kexie.people.models import PersonRole, Post, Township

    _, record, how = measure
    day = period.end

    def inside(unit_path: str) -> bool:
        return unit_path == path if own_only else unit_path.startswith(path)

    if record == "role":
        rows = [
            r
            for r in snapshot("person_roles", PersonRole.objects.select_related("person__org_unit").all)
            if r.person.merged_into_id is None
            and inside(r.person.org_unit.path)
            and (r.since is None or r.since <= day)
            and (r.until is None or r.until >= day)
        ]
    elif record == "post":
        rows = [
            p
            for p in snapshot("posts", Post.objects.select_related("org_unit").all)
            if inside(p.org_unit.path) and p.term_start <= day and (p.term_end is None or p.term_end >= day)
        ]
    elif record == "unit":
        rows = [
            u
            for u in _units()
            if inside(u.path)
            and (u.active_from is None or u.active_from <= day)
            and (u.active_to is None or u.active_to > day)
        ]
    else:
        rows = [
            t
            for t in snapshot("townships", Township.objects.select_related("org_unit").all)
            if inside(t.org_unit.path)
            and (t.valid_from is None or t.valid_from <= day)
            and (t.valid_to is None or t.valid_to >= day)
        ]
    rows = [r for r in rows if predicate(r)]
    return len(rows) if how == "count" else len({getattr(r, how) for r in rows})


SPEC.update(
    {code: entry for code, entry in _people_spec().items() if code not in SPEC and code in _declared()}
)


# ---- contests and volunteers (issue 11): entries, their students, teams, volunteers and service records,
# restated over their rows (no engine); tests/contests/test_indicators.py compares every contest_* and
# volunteer* indicator with this. Entries count in their edition's 举办日期; teams and volunteers are in
# force on day d when started on or before d and not ended on or before d; hours are confirmed ones.
CONTEST_PRIZES = ("first", "second", "third", "excellence", "special")


def _contest_volunteer_spec() -> dict[str, tuple]:
    spec: dict[str, tuple] = {
        "contest_entries": (("cv", "entry", "count"), lambda e: True),
        "contest_awards": (("cv", "entry", "count"), lambda e: e.prize in CONTEST_PRIZES),
        "contest_students": (("cv", "member", "person_id"), lambda m: True),
        "contest_student_times": (("cv", "member", "count"), lambda m: True),
        "contest_schools": (("cv", "member", "school"), lambda m: True),
        "volunteer_teams": (("cv", "team", "stock"), lambda t: True),
        "volunteer_teams_new": (("cv", "team", "new"), lambda t: True),
        "volunteers_registered": (("cv", "volunteer", "stock"), lambda v: True),
        "volunteer_hours": (("cv", "service", "hours"), lambda r: r.state == "confirmed"),
        "volunteer_service_records": (("cv", "service", "count"), lambda r: r.state == "confirmed"),
        "volunteers_serving": (("cv", "service", "volunteer"), lambda r: r.state == "confirmed"),
    }
    for level in ("county", "municipal", "provincial", "national"):
        spec[f"contest_awards_{level}"] = (
            ("cv", "entry", "count"),
            lambda e, lv=level: e.prize in CONTEST_PRIZES and e.edition.level == lv,
        )
    for n in range(1, 6):
        spec[f"volunteers_star{n}"] = (("cv", "volunteer", "stock"), lambda v, n=n: v.star == n)
    return spec


def contest_volunteer_expected(
    measure: tuple, predicate, period: Period, path: str, *, own_only: bool = False
):
    from kexie.contests.models import Entry, EntryMember
    from kexie.volunteers.models import ServiceRecord, Team, Volunteer

    _, record, how = measure

    def inside(unit_path: str) -> bool:
        return unit_path == path if own_only else unit_path.startswith(path)

    def dated(unit_path: str, day) -> bool:
        return inside(unit_path) and period.start <= day <= period.end

    def in_force(unit_path: str, start, end) -> bool:
        day = period.end
        return inside(unit_path) and start <= day and (end is None or end > day)

    if record == "entry":
        rows = [
            e
            for e in Entry.objects.select_related("org_unit", "edition")
            if dated(e.org_unit.path, e.edition.held_on)
        ]
    elif record == "member":
        rows = [
            m
            for m in EntryMember.objects.select_related("entry__org_unit", "entry__edition")
            if dated(m.entry.org_unit.path, m.entry.edition.held_on)
        ]
    elif record == "team":
        teams = Team.objects.select_related("org_unit")
        if how == "stock":
            rows = [t for t in teams if in_force(t.org_unit.path, t.flagged_on, t.dissolved_on)]
        else:
            rows = [t for t in teams if dated(t.org_unit.path, t.flagged_on)]
    elif record == "volunteer":
        rows = [
            v
            for v in Volunteer.objects.select_related("org_unit")
            if in_force(v.org_unit.path, v.registered_on, v.cancelled_on)
        ]
    else:
        rows = [
            r
            for r in ServiceRecord.objects.select_related("org_unit", "member")
            if dated(r.org_unit.path, r.served_on)
        ]
    rows = [r for r in rows if predicate(r)]
    if how in ("count", "stock", "new"):
        return len(rows)
    if how == "hours":
        return sum((r.hours for r in rows), start=0)
    if how == "volunteer":
        return len({r.member.volunteer_id for r in rows})
    return len({getattr(r, how) for r in rows})


SPEC.update(
    {
        code: entry
        for code, entry in _contest_volunteer_spec().items()
        if code not in SPEC and code in _declared()
    }
)


# The indicators the generated record sets of these tests are made of: activities and org units. Every
# other record type links to its own list and is checked in its own tests (tests/registries,
# tests/honours, tests/contests, tests/volunteers, tests/people); the ratios of 人员与基层组织 are built
# on townships and posts.
def generated_codes() -> list[str]:
    from kexie.indicators import registry

    return [
        i.code
        for i in registry.indicators()
        if getattr(i.definition, "record", "activity") in ("activity", "orgunit")
        and i.group != "人员与基层组织"
    ]
