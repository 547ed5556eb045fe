"""The filter contract of the activity list: GET parameters ↔ ActivityFilters.

Other parts of the product (indicator provenance, dashboard, reports) link to the list with these
parameters, so their names and meaning are a contract — change them only together with the callers:

    period    a kexie.core.periods string (2023, 2023Q2, 2023-05, 2021..2025, 2023-03-01..2023-06-30);
              an activity counts when its start_date falls in the period
    unit      an org unit id: that unit and everything under it (the unit must be in scope, else 404)
    own       "1": only the unit's own activities (本级), not those of the units under it
    type      ActivityType.code
    campaign  Campaign.code, or several separated by commas (any of them); "none": activities without
              a campaign (may be combined: "st_week,none"); "any": activities of some campaign
    key       "1": 重点活动 only; "0": all but 重点活动
    academic  "1": only types with is_academic (学术交流); "0": only the other types (科普活动 proper)
    target    TargetGroup.code; "none": activities without a target group
    series    a series name (系列活动, exact)
    in_series "1": activities of some series; "0": activities not in a series
    facility  a Facility id (kexie.registries): activities held by that venue or mobile unit; "none":
              activities without one
    facility_kind  Facility kinds separated by commas (caravan,mobile_museum): held by a facility of
              one of those kinds
    min_participants  a whole number: activities with at least that many participants (参与人次)
    status    default: held (已举办) only; "all" for every status; or one of planned/held/cancelled
    q         text in the title or the venue
    sort      start_date, -start_date (default), participants, -participants, title
    page      page number (25 per page)

The parameters are declared once, as the record layer's filters of the activity record type
(`activities/records.py`: FILTERS and SORTS); the list page, its export and its totals read them
there. This module gives the parsed values to the pages and services that need them outside the
list (the calendar, the engine's list totals, the import's lookups) — parsed by the same FilterForm —
and builds links (`list_url(...)`). Parse a request with `parse_filters(request.GET, access=...)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from kexie.orgs.scoping import Access

STATUS_ALL = "all"
DEFAULT_STATUS = "held"
DEFAULT_SORT = "-start_date"


def _declaration():
    from kexie.activities.records import ACTIVITIES

    return ACTIVITIES


def params_names() -> tuple[str, ...]:
    return (*(f.name for f in _declaration().filters), "sort")


@dataclass(frozen=True)
class ActivityFilters:
    """A parsed set of list filters: the layer's cleaned values (objects: a Period, an OrgUnit …),
    the sort, and the parameters that reproduce them."""

    values: Mapping[str, Any] = field(default_factory=lambda: {"status": DEFAULT_STATUS})
    sort: str = DEFAULT_SORT
    params: Mapping[str, str] = field(default_factory=dict, compare=False)
    errors: tuple[str, ...] = field(default=(), compare=False)
    description: str = field(default="", compare=False)

    @classmethod
    def every_status(cls) -> ActivityFilters:
        """No filter at all: every activity in scope, whatever its status (imports, calendar)."""
        return cls(values={"status": STATUS_ALL}, params={"status": STATUS_ALL})

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def period(self):
        return self.values.get("period")

    @property
    def unit(self):
        return self.values.get("unit")

    @property
    def own(self) -> bool:
        return bool(self.values.get("own"))

    @property
    def status(self) -> str | None:
        """held / planned / cancelled, or None for every status."""
        status = self.values.get("status", DEFAULT_STATUS)
        return None if status == STATUS_ALL else status

    def without(self, *names: str) -> ActivityFilters:
        """The same filters without some of them (e.g. the calendar drops the period)."""
        return ActivityFilters(
            values={k: v for k, v in self.values.items() if k not in names},
            sort=self.sort,
            params={k: v for k, v in self.params.items() if k not in names},
            errors=self.errors,
        )

    def to_params(self) -> dict[str, str]:
        """The GET parameters that reproduce these filters (defaults left out)."""
        return dict(self.params)

    def describe(self) -> str:
        """Chinese description of the active filters, e.g. 活动品牌：全国科普日或无品牌；状态：已举办."""
        return self.description


def parse_filters(
    params: Mapping, *, access: Access, default_status: str | None = DEFAULT_STATUS
) -> ActivityFilters:
    """Parse GET parameters with the activity list's FilterForm. Bad values become Chinese messages in
    `.errors` (never an exception), except a `unit` outside the scope: a 404 like any object outside."""
    from kexie.records.filters import FilterForm, describe

    d = _declaration()
    given = {k: (params.get(k) or "").strip() for k in params_names() if (params.get(k) or "").strip()}
    if default_status is None and "status" not in given:
        given["status"] = STATUS_ALL
    form = FilterForm(given, declaration=d, access=access)
    if not form.is_valid():
        errors = tuple(e for errors in form.errors.values() for e in errors)
        return ActivityFilters(values={}, params=given, errors=errors)
    defaults = {f.name: f.default for f in d.filters if f.default} | {"sort": DEFAULT_SORT}
    return ActivityFilters(
        values=form.filters(),
        sort=form.sort,
        params={k: v for k, v in given.items() if defaults.get(k) != v},
        description=describe(form),
    )


def list_url(**params: object) -> str:
    """A link to the activity list, e.g. list_url(period="2023Q2", unit=12, type="lecture").

    Keyword names are the GET parameters above; None and "" are left out."""
    unknown = set(params) - set(params_names()) - {"page"}
    if unknown:
        raise TypeError(f"unknown activity list parameters: {', '.join(sorted(unknown))}")
    query = urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
    return reverse("activities:list") + (f"?{query}" if query else "")
