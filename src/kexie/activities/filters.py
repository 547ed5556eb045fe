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

Build links with `list_url(...)`; parse a request with `parse_filters(request.GET, access=...)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.core.periods import Period, PeriodError
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action
from kexie.orgs.selectors import orgunit_get
from kexie.registries.models import Facility, FacilityKind

PAGE_SIZE = 25
MAX_QUERY = 50
STATUS_ALL = "all"
DEFAULT_SORT = "-start_date"
SORTS: dict[str, tuple[str, ...]] = {
    "start_date": ("start_date", "pk"),
    "-start_date": ("-start_date", "-pk"),
    "participants": ("participants", "pk"),
    "-participants": ("-participants", "-pk"),
    "title": ("title", "pk"),
}
SORT_LABELS = {
    "-start_date": "最新在前",
    "start_date": "最早在前",
    "-participants": "人次最多在前",
    "participants": "人次最少在前",
    "title": "按活动名称",
}
PARAMS = (
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
    "q",
    "sort",
)
NONE = "none"  # "campaign=none" / "target=none": activities without one (never a code)
ANY = "any"  # "campaign=any": activities with one
MAX_CAMPAIGNS = 20


@dataclass(frozen=True)
class ActivityFilters:
    """A parsed, valid set of list filters (objects, not raw strings)."""

    period: Period | None = None
    unit: OrgUnit | None = None
    own: bool = False  # only the unit's own activities (the active unit's when no unit is given)
    activity_type: ActivityType | None = None
    campaigns: tuple[Campaign, ...] = ()  # any of them (with campaign_none: or none at all)
    campaign_none: bool = False
    campaign_any: bool = False  # activities of some campaign (OR-ed with the above)
    is_key: bool | None = None  # None: both
    academic: bool | None = None  # None: both
    target: TargetGroup | None = None
    target_none: bool = False  # activities without any target group
    series: str = ""  # a series name, or "" (no filter)
    in_series: bool | None = None  # None: both
    facility: Facility | None = None
    facility_none: bool = False  # activities held by no registered venue or mobile unit
    facility_kinds: tuple[str, ...] = ()
    min_participants: int | None = None
    status: str | None = Activity.Status.HELD  # None: every status
    q: str = ""
    sort: str = DEFAULT_SORT
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def campaign(self) -> Campaign | None:
        """The one campaign filtered by (for the filter bar's select), if exactly one."""
        return (
            self.campaigns[0]
            if len(self.campaigns) == 1 and not self.campaign_none and not self.campaign_any
            else None
        )

    def to_params(self) -> dict[str, str]:
        """The GET parameters that reproduce these filters (defaults left out)."""
        params: dict[str, str] = {}
        if self.period is not None:
            params["period"] = str(self.period)
        if self.unit is not None:
            params["unit"] = str(self.unit.pk)
        if self.own:
            params["own"] = "1"
        if self.activity_type is not None:
            params["type"] = self.activity_type.code
        if self.campaigns or self.campaign_none or self.campaign_any:
            params["campaign"] = ",".join(
                [c.code for c in self.campaigns] + [NONE] * self.campaign_none + [ANY] * self.campaign_any
            )
        if self.is_key is not None:
            params["key"] = "1" if self.is_key else "0"
        if self.academic is not None:
            params["academic"] = "1" if self.academic else "0"
        if self.target is not None:
            params["target"] = self.target.code
        elif self.target_none:
            params["target"] = NONE
        if self.series:
            params["series"] = self.series
        if self.in_series is not None:
            params["in_series"] = "1" if self.in_series else "0"
        if self.facility is not None:
            params["facility"] = str(self.facility.pk)
        elif self.facility_none:
            params["facility"] = NONE
        if self.facility_kinds:
            params["facility_kind"] = ",".join(self.facility_kinds)
        if self.min_participants is not None:
            params["min_participants"] = str(self.min_participants)
        if self.status is None:
            params["status"] = STATUS_ALL
        elif self.status != Activity.Status.HELD:
            params["status"] = self.status
        if self.q:
            params["q"] = self.q
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return params

    def describe(self) -> list[str]:
        """Chinese description of the active filters, e.g. for the export's note row."""
        parts = []
        if self.period is not None:
            parts.append(f"期间：{self.period.label}（按开始日期）")
        if self.unit is not None or self.own:
            name = self.unit.name if self.unit is not None else "本单位"
            parts.append(f"单位：{name}（本级）" if self.own else f"单位：{name}及下级")
        if self.activity_type is not None:
            parts.append(f"类型：{self.activity_type.name}")
        if self.academic is not None:
            parts.append("仅学术交流类" if self.academic else "不含学术交流类")
        if self.campaigns or self.campaign_none or self.campaign_any:
            names = (
                [c.name for c in self.campaigns]
                + ["无品牌"] * self.campaign_none
                + ["任一品牌"] * self.campaign_any
            )
            parts.append(f"品牌：{'或'.join(names)}")
        if self.is_key is not None:
            parts.append("仅重点活动" if self.is_key else "不含重点活动")
        if self.target is not None:
            parts.append(f"目标人群：{self.target.name}")
        elif self.target_none:
            parts.append("目标人群：未填写")
        if self.series:
            parts.append(f"系列活动：{self.series}")
        if self.in_series is not None:
            parts.append("仅系列活动" if self.in_series else "不含系列活动")
        if self.facility is not None:
            parts.append(f"举办设施：{self.facility.name}")
        elif self.facility_none:
            parts.append("举办设施：未填写")
        if self.facility_kinds:
            labels = dict(FacilityKind.choices)
            parts.append("举办设施类型：" + "或".join(labels[k] for k in self.facility_kinds))
        if self.min_participants is not None:
            parts.append(f"参与人次不少于{self.min_participants}")
        parts.append("状态：全部" if self.status is None else f"状态：{Activity.Status(self.status).label}")
        if self.q:
            parts.append(f"关键词：{self.q}")
        return parts


def _flag(params: Mapping, name: str, label: str, errors: list[str]) -> bool | None:
    value = (params.get(name) or "").strip()
    if value == "":
        return None
    if value in ("0", "1"):
        return value == "1"
    errors.append(f"“{label}”参数只能是 1、0 或留空，收到的是“{value[:20]}”。")
    return None


def _by_code(model, params: Mapping, name: str, label: str, errors: list[str], queryset=None):
    code = (params.get(name) or "").strip()
    if not code:
        return None
    found = (model.objects.all() if queryset is None else queryset).filter(code=code).first()
    if found is None:
        errors.append(f"没有代码为“{code[:30]}”的{label}。")
    return found


def _campaigns(params: Mapping, errors: list[str], visible) -> tuple[tuple[Campaign, ...], bool, bool]:
    raw = (params.get("campaign") or "").strip()
    codes = list(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))
    if len(codes) > MAX_CAMPAIGNS:
        errors.append(f"活动品牌最多同时选{MAX_CAMPAIGNS}个。")
        return (), False, False
    none, any_ = NONE in codes, ANY in codes
    codes = [c for c in codes if c not in (NONE, ANY)]
    found = {c.code: c for c in visible.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            errors.append(f"没有代码为“{code[:30]}”的活动品牌。")
    return tuple(found[c] for c in codes if c in found), none, any_


def _target(params: Mapping, errors: list[str]) -> tuple[TargetGroup | None, bool]:
    if (params.get("target") or "").strip() == NONE:
        return None, True
    return _by_code(TargetGroup, params, "target", "目标人群", errors), False


def _minimum(params: Mapping, errors: list[str]) -> int | None:
    raw = (params.get("min_participants") or "").strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) <= 10:
        return int(raw)
    errors.append(f"“参与人次不少于”应为不超过10位的整数，收到的是“{raw[:20]}”。")
    return None


def parse_filters(
    params: Mapping, *, access: Access, default_status: str | None = Activity.Status.HELD
) -> ActivityFilters:
    """Parse GET parameters. Bad values become Chinese messages in `.errors` (never an exception),
    except a `unit` outside the scope, which is a 404 like every other out-of-scope object."""
    errors: list[str] = []

    period = None
    raw_period = (params.get("period") or "").strip()
    if raw_period:
        try:
            period = Period.parse(raw_period)
        except PeriodError as exc:
            errors.append(exc.message)

    unit = None
    raw_unit = (params.get("unit") or "").strip()
    if raw_unit:
        if raw_unit.isdigit() and len(raw_unit) < 12:
            unit = orgunit_get(access=access, pk=int(raw_unit), action=Action.VIEW)  # 404 outside scope
        else:
            errors.append(f"单位参数应为单位编号（数字），收到的是“{raw_unit[:20]}”。")

    status: str | None = default_status
    raw_status = (params.get("status") or "").strip()
    if raw_status == STATUS_ALL:
        status = None
    elif raw_status in Activity.Status.values:
        status = raw_status
    elif raw_status:
        errors.append(f"状态参数“{raw_status[:20]}”无效，可选：all、held、planned、cancelled。")

    sort = (params.get("sort") or "").strip() or DEFAULT_SORT
    if sort not in SORTS:
        errors.append(f"排序参数“{sort[:20]}”无效，可选：{'、'.join(SORTS)}。")
        sort = DEFAULT_SORT

    own = _flag(params, "own", "仅本级", errors)
    from kexie.activities import selectors  # (selectors imports this module)

    # another unit's own campaigns and types are unknown here, like anything out of scope
    campaigns, campaign_none, campaign_any = _campaigns(
        params, errors, selectors.visible_campaigns(access=access)
    )
    types = selectors.activity_types(access=access, active_only=False)
    facility = None
    raw_facility = (params.get("facility") or "").strip()
    facility_none = raw_facility == NONE
    if raw_facility and not facility_none:
        found = (
            selectors.facility_choices(access=access).filter(pk=int(raw_facility)).first()
            if raw_facility.isdigit() and len(raw_facility) < 12
            else None
        )
        if found is None:
            errors.append(f"没有编号为“{raw_facility[:20]}”的场馆或流动设施。")
        facility = found
    kinds = tuple(
        dict.fromkeys(k.strip() for k in (params.get("facility_kind") or "").split(",") if k.strip())
    )
    unknown = [k for k in kinds if k not in FacilityKind.values]
    if unknown:
        errors.append(f"设施类型“{unknown[0][:20]}”无效，可选：{'、'.join(FacilityKind.values)}。")
        kinds = ()
    series = (params.get("series") or "").strip()
    if len(series) > 100:
        errors.append("系列活动名称不能超过100个字。")
        series = ""
    target, target_none = _target(params, errors)
    return ActivityFilters(
        period=period,
        unit=unit,
        own=bool(own),
        activity_type=_by_code(ActivityType, params, "type", "活动类型", errors, types),
        campaigns=campaigns,
        campaign_none=campaign_none,
        campaign_any=campaign_any,
        is_key=_flag(params, "key", "重点活动", errors),
        academic=_flag(params, "academic", "学术交流", errors),
        target=target,
        target_none=target_none,
        series=series,
        in_series=_flag(params, "in_series", "系列活动", errors),
        facility=facility,
        facility_none=facility_none,
        facility_kinds=kinds,
        min_participants=_minimum(params, errors),
        status=status,
        q=(params.get("q") or "").strip()[:MAX_QUERY],
        sort=sort,
        errors=tuple(errors),
    )


def list_url(**params: object) -> str:
    """A link to the activity list, e.g. list_url(period="2023Q2", unit=12, type="lecture").

    Keyword names are the GET parameters above; None and "" are left out."""
    unknown = set(params) - set(PARAMS) - {"page"}
    if unknown:
        raise TypeError(f"unknown activity list parameters: {', '.join(sorted(unknown))}")
    query = urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
    return reverse("activities:list") + (f"?{query}" if query else "")
