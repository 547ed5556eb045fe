"""Dashboard test data: a small set of activities whose figures the tests recompute by hand.

Every expectation in tests/analytics is derived from `SPECS` with plain Python (`expected()`), never
from the engine or a database aggregate, so the page is checked against an independent count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import html

ACADEMIC_TYPES = {"academic"}


@dataclass(frozen=True)
class Spec:
    unit: str  # key of the standard tree
    type: str
    day: dt.date
    participants: int = 0
    online_views: int = 0
    sci_workers: int = 0
    is_key: bool = False
    campaign: str | None = None
    status: str = "held"


SPECS = [
    Spec("county", "lecture", dt.date(2024, 3, 10), 120, 1000, 5, True, "st_week"),
    Spec("county", "exhibition", dt.date(2024, 5, 20), 300, campaign="st_week"),
    Spec("township", "consultation", dt.date(2024, 5, 22), 80, 250),
    Spec("township", "training", dt.date(2024, 9, 18), 50, is_key=True, campaign="science_day"),
    Spec("county2", "lecture", dt.date(2024, 9, 16), 200, campaign="science_day"),
    Spec("county2", "lecture", dt.date(2024, 11, 2), 60),
    Spec("county2", "exhibition", dt.date(2024, 9, 20), 40, sci_workers=2),
    Spec("society", "academic", dt.date(2024, 6, 1), 150, sci_workers=60),
    Spec("city", "training", dt.date(2024, 1, 5), 500, 3000, is_key=True),
    # never counted: not held, or outside the city
    Spec("county", "lecture", dt.date(2024, 4, 1), 70, status="planned"),
    Spec("county", "lecture", dt.date(2024, 4, 2), 90, status="cancelled"),
    Spec("other_city", "lecture", dt.date(2024, 5, 1), 999, 99999, is_key=True),
    Spec("other_county", "exhibition", dt.date(2024, 9, 19), 777),
    # the previous year and the next one
    Spec("county", "lecture", dt.date(2023, 5, 5), 100),
    Spec("county2", "lecture", dt.date(2023, 8, 8), 70, is_key=True),
    Spec("township", "academic", dt.date(2023, 12, 30), 30, sci_workers=30),
    Spec("county", "lecture", dt.date(2025, 1, 1), 10),
]


# --------------------------------------------------------------------------- independent expectations


def _in_subtree(tree, spec: Spec, unit_key: str) -> bool:
    return tree[spec.unit].path.startswith(tree[unit_key].path)


def matching(tree, *, unit: str, start: dt.date, end: dt.date, own_only: bool = False, **where) -> list[Spec]:
    """The specs an indicator counts: held, dated in [start, end], in the unit's subtree (or the unit
    itself with own_only), and matching `where` (popsci=True/False, is_key, type, campaign)."""
    out = []
    for s in SPECS:
        if s.status != "held" or not start <= s.day <= end:
            continue
        if own_only and s.unit != unit:
            continue
        if not own_only and not _in_subtree(tree, s, unit):
            continue
        if "popsci" in where and (s.type not in ACADEMIC_TYPES) != where["popsci"]:
            continue
        if any(getattr(s, k) != v for k, v in where.items() if k != "popsci"):
            continue
        out.append(s)
    return out


def expected(tree, code: str, *, unit: str, start: dt.date, end: dt.date, own_only: bool = False, **where):
    """The figure of a catalogue indicator, recomputed from SPECS by hand."""
    kw = dict(unit=unit, start=start, end=end, own_only=own_only)
    if code == "popsci_activities":
        return len(matching(tree, popsci=True, **kw, **where))
    if code == "popsci_key_activities":
        return len(matching(tree, popsci=True, is_key=True, **kw, **where))
    if code == "popsci_participants":
        return sum(s.participants for s in matching(tree, popsci=True, **kw, **where))
    if code == "popsci_online_views":
        return sum(s.online_views for s in matching(tree, popsci=True, **kw, **where))
    if code == "academic_activities":
        return len(matching(tree, popsci=False, **kw, **where))
    if code == "sci_worker_participation":
        return sum(s.sci_workers for s in matching(tree, **kw, **where))
    raise AssertionError(f"no hand-made expectation for {code}")


YEAR_2024 = dict(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
YEAR_2023 = dict(start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))


# --------------------------------------------------------------------------- reading the page


def parse(response):
    return html.fromstring(response.content.decode())


def int_text(text: str) -> int:
    return int(text.strip().replace(",", ""))
