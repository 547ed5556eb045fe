"""The vocabulary of the indicator engine: record types it can count, and indicator declarations.

A *record type* says how to count one kind of record: its model, the lookup to its OrgUnit, the date
that places a record in a period, which records count at all (e.g. only activities actually held),
the dimensions a figure can be broken down by, and how to link to the list of the records behind a
figure. An *indicator* names a figure (code, Chinese name, unit, flow/stock, definition text) and
says how to compute it: an aggregate over one record type, or a ratio of two indicators.

Declarations live in `catalogue.py`; the engine that evaluates them lives in `engine.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from kexie.core.periods import Period
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import register_scoped, scoped_models

# The breakdown member of records that have no value for the dimension (no campaign, no target group).
NO_MEMBER = ""


# --------------------------------------------------------------------------- record types


@dataclass(frozen=True)
class Dimension:
    """A breakdown of a record type: `lookup` gives the member's stable code, `label_lookup` its name.

    A dimension reached through a to-many relation (an activity's target groups) puts one record
    under several members, so its members overlap and do not add up to the total.
    """

    key: str
    label: str
    lookup: str
    label_lookup: str = ""  # empty: the member's name comes from `labels`
    order_lookup: str | None = None
    none_label: str = "未填写"
    labels: Mapping[str, str] | None = None  # code → name for a choices field, in display order
    # The relation the members are rows of (e.g. "activity_type"): queries then group by its id
    # (much cheaper than by code, name and order) and the engine reads the members' code, name and
    # order from the related table once; `lookup`, `label_lookup`, `order_lookup` start with it.
    via: str | None = None
    # A member that depends on the period (e.g. a designation's grade *of the period's year*):
    # `lookup` crosses a to-many relation ("evaluations__grade") and `year_lookup` names the year on
    # the same related rows ("evaluations__year"). A record's member for a period is the value on its
    # related row of the period's year (the year of the period's last day, or of a stock's day);
    # records without such a row are NO_MEMBER. Provenance links carry `year_lookup`=year too.
    year_lookup: str | None = None

    @property
    def fields(self) -> list[str]:
        """What a breakdown query groups by: the relation's id, or code, label and display order."""
        if self.via:
            return [self.via]
        extra = [f for f in (self.label_lookup, self.order_lookup) if f]
        return [self.lookup, *extra]

    def related_fields(self) -> tuple[str, str, str | None]:
        """(code, name, order) field names on the related model of `via`."""
        prefix = f"{self.via}__"

        def strip(lookup: str | None) -> str | None:
            if lookup and not lookup.startswith(prefix):
                raise ValueError(f"{lookup!r} does not start with {prefix!r}")
            return lookup.removeprefix(prefix) if lookup else None

        return strip(self.lookup), strip(self.label_lookup), strip(self.order_lookup)

    def member(self, row: Mapping[str, Any]) -> tuple[str, tuple]:
        """(name, sort key) of the member of a breakdown row."""
        code = row[self.lookup]
        if self.labels is not None:
            order = list(self.labels).index(code) if code in self.labels else len(self.labels)
            return self.labels.get(code, str(code)), (order,)
        return row[self.label_lookup], ((row[self.order_lookup] if self.order_lookup else 0),)


@dataclass(frozen=True)
class Param:
    """How one filter condition `lookup=value` is written as a query parameter of a list page.

    `values` maps the filter values the list page understands to their parameter strings; when it is
    None, any value is written as `str(value)`. A value missing from `values` cannot be linked.
    `many` (for `…__in` lookups): a list of values written joined by `many`, e.g. "a,b".
    """

    lookup: str
    name: str
    values: Mapping[Any, str] | None = None
    many: str | None = None

    def encode(self, value: Any) -> str | None:
        if self.many is not None:
            if not isinstance(value, (list, tuple, set, frozenset)) or not value:
                return None
            parts = [self._one(v) for v in sorted(value, key=str)]
            return None if any(p is None or self.many in p for p in parts) else self.many.join(parts)
        return self._one(value)

    def _one(self, value: Any) -> str | None:
        if self.values is None:
            return None if value is None or isinstance(value, (list, tuple, set, bool)) else str(value)
        return self.values.get(value)


@dataclass(frozen=True)
class LinkTarget:
    """What a figure covers, for building the link to its records."""

    period: Period
    unit: OrgUnit
    own_only: bool  # only the unit's own records (本级), not its subtree
    conditions: Mapping[str, Any]  # lookup → value, all ANDed (indicator filters + breakdown member)
    all_records: bool = False  # the record type's base filter is off (e.g. every status)
    at: date | None = None  # a stock (StockAt): the records in force on this day, not those dated in `period`


@dataclass(frozen=True)
class ListLink:
    """Builds the URL of a list page that shows exactly the records behind a figure.

    The list page must read `period` (a Period string, filtering `date_field` of the record type to
    the period, both ends inclusive) and `unit` (an OrgUnit id: that unit and its whole subtree), and
    apply the record type's base filter by default (e.g. status = held). Every other condition must
    match one of `params`; when one does not, the figure gets no link rather than a wrong one.
    """

    path: str
    params: tuple[Param, ...] = ()
    period_param: str = "period"
    unit_param: str = "unit"
    own_param: str | None = None  # e.g. "own" (=1) once the list page can show 本级 records only
    all_records: tuple[str, str] | None = None  # (param, value) dropping the base filter, e.g. status=all
    # a stock's figure links with `at_param`=YYYY-MM-DD (the list shows the records in force on that day,
    # with the base filter) instead of the period; None: the list cannot, and stock figures get no link
    at_param: str | None = None

    @cached_property
    def _by_lookup(self) -> dict[str, Param]:
        return {p.lookup: p for p in self.params}

    def __call__(self, target: LinkTarget) -> str | None:
        query: list[tuple[str, str]] = [(self.period_param, str(target.period))]
        if target.at is not None:
            if self.at_param is None:
                return None
            query = [(self.at_param, target.at.isoformat())]
        query.append((self.unit_param, str(target.unit.pk)))
        if target.own_only:
            if self.own_param is None:
                return None
            query.append((self.own_param, "1"))
        for lookup, value in target.conditions.items():
            param = self._by_lookup.get(lookup)
            encoded = param.encode(value) if param else None
            if encoded is None:
                return None
            query.append((param.name, encoded))
        if target.all_records:
            if self.all_records is None:
                return None
            if all(name != self.all_records[0] for name, _ in query):  # e.g. status=planned says it all
                query.append(self.all_records)
        names = [name for name, _ in query]
        if len(set(names)) != len(names):
            return None  # two conditions on one parameter: the list page reads only one of them
        return f"{self.path}?{urlencode(query)}"


@dataclass(frozen=True)
class FactSource:
    """A pre-aggregated table of a record type, read instead of the records whenever it can answer.

    One fact row sums the records of one combination of `dimensions` in one month of the record
    type's date field (`month_field` holds the first day of that month); rows exist only for
    combinations with records. `dimensions` are fields of the record model that the fact model has
    too, with the same name and meaning (e.g. org_unit, activity_type, campaign), so a filter or
    breakdown lookup starting with one of them is the same lookup on the fact model. The engine
    reads the facts for an indicator when every period starts and ends on a month boundary and:
    - count → SUM(`count`); sum(field) → SUM(`sums[field]`); count_distinct(dimension) → the distinct
      values of the dimension among the matching fact rows;
    - every filter lookup starts with a dimension, except that a count may carry one condition of
      `counts_where` ((lookup, value) → the measure that counts only the records meeting it);
    - the breakdown (if any) is a dimension.
    Otherwise it counts the records (both paths give identical figures; the tests check it).

    `lists` names dimensions that point at small managed lists (activity types, campaigns): a
    condition on a field of the list (activity_type__is_academic=False) is resolved to the ids of
    its rows first (activity_type__in=[…], one tiny query per call), so the aggregate over the facts
    does not join the list's table (≈ 20 ms of each dashboard query at 1M activities on PostgreSQL).
    """

    model: type[models.Model]
    dimensions: frozenset[str]
    count: str = "n"
    sums: Mapping[str, str] = dataclasses.field(default_factory=dict)
    counts_where: Mapping[tuple[str, Any], str] = dataclasses.field(default_factory=dict)
    month_field: str = "month"
    org_lookup: str = "org_unit"
    lists: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RecordType:
    """One kind of record the engine can count (activities now; designations, people … later)."""

    key: str
    label: str
    model: type[models.Model]
    date_field: str
    org_lookup: str = "org_unit"
    base_filter: Q = dataclasses.field(default_factory=Q)
    dimensions: Mapping[str, Dimension] = dataclasses.field(default_factory=dict)
    link: Callable[[LinkTarget], str | None] | None = None
    facts: FactSource | None = None  # pre-aggregated table the engine prefers when it can answer

    def dimension(self, key: str) -> Dimension:
        try:
            return self.dimensions[key]
        except KeyError:
            raise LookupError(f"{self.label}不能按“{key}”分组") from None


_RECORD_TYPES: dict[str, RecordType] = {}


def register_record_type(record_type: RecordType) -> RecordType:
    """Register a record type; the model must be scoped through its org lookup (registered if not yet).

    The record app normally registers its model with the scoping itself; doing it here too when it
    has not keeps the engine from ever running an unscoped query.
    """
    if record_type.key in _RECORD_TYPES:
        raise ValueError(f"record type {record_type.key!r} is already registered")
    if record_type.model not in scoped_models():
        register_scoped(record_type.model, via=record_type.org_lookup)
    facts = record_type.facts
    if facts is not None and facts.model not in scoped_models():
        register_scoped(facts.model, via=facts.org_lookup)
    _RECORD_TYPES[record_type.key] = record_type
    return record_type


def record_type(key: str) -> RecordType:
    try:
        return _RECORD_TYPES[key]
    except KeyError:
        raise LookupError(f"unknown record type {key!r}") from None


def record_types() -> dict[str, RecordType]:
    return dict(_RECORD_TYPES)


def crosses_to_many(model: type[models.Model], lookup: str) -> bool:
    """Does `lookup` (e.g. "target_groups__code__in") walk through a to-many relation?

    Such a condition joins one row per related object, which would count a record once per match;
    the engine turns it into a subquery instead.
    """
    for part in lookup.split("__"):
        try:
            f = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup or transform such as "in", "gte", "year"
        if not f.is_relation:
            return False
        if f.many_to_many or f.one_to_many:
            return True
        model = f.related_model
    return False


# --------------------------------------------------------------------------- indicators


class Kind(StrEnum):
    FLOW = "flow"
    STOCK = "stock"

    @property
    def label(self) -> str:
        return {"flow": "流量（期间内发生）", "stock": "存量（时点）"}[self.value]


class Fn(StrEnum):
    COUNT = "count"
    SUM = "sum"
    COUNT_DISTINCT = "count_distinct"

    @property
    def label(self) -> str:
        return {"count": "计数", "sum": "求和", "count_distinct": "去重计数"}[self.value]


@dataclass(frozen=True)
class Aggregate:
    """count / sum / count_distinct over the records of one record type that match `filters`.

    `filters` is a dict of lookups (each one can be turned into a list-page parameter, so figures get
    provenance links) or a Q (opaque: figures get no link unless it is a plain AND of lookups).
    count and sum add up over periods, children and to-one breakdowns; count_distinct does not.
    """

    record: str
    fn: Fn = Fn.COUNT
    field: str | None = None
    filters: Mapping[str, Any] | Q = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fn", Fn(self.fn))
        if (self.fn == Fn.COUNT) != (self.field is None):
            raise ValueError("count takes no field; sum and count_distinct need one")

    @property
    def additive(self) -> bool:
        return self.fn != Fn.COUNT_DISTINCT

    def q(self) -> Q:
        return self.filters if isinstance(self.filters, Q) else Q(**self.filters)

    def conditions(self) -> dict[str, Any] | None:
        """The filters as lookup → value, or None when they are not a plain AND of lookups."""
        if not isinstance(self.filters, Q):
            return dict(self.filters)
        return _flat_and(self.filters)


def _flat_and(q: Q) -> dict[str, Any] | None:
    if q.negated or (q.connector != Q.AND and len(q.children) > 1):
        return None
    out: dict[str, Any] = {}
    for child in q.children:
        if isinstance(child, Q):
            inner = _flat_and(child)
            if inner is None:
                return None
            items = inner.items()
        else:
            items = [child]
        for lookup, value in items:
            if lookup in out and out[lookup] != value:
                return None
            out[lookup] = value
    return out


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator × scale, per cell; None when the denominator is 0 (not an error)."""

    numerator: str
    denominator: str
    scale: int = 1


@dataclass(frozen=True)
class StockAt:
    """A stock counted as of a date (组织机构数, 科普基地 in force on 31 Dec, members …): the records of
    `record` in force on the last day of each period (or on `at`), counted, summed or counted by
    distinct `field` (count_distinct: e.g. the people holding such a post that day) like `Aggregate`.

    In force on day d: `valid_from` empty or ≤ d, and `valid_to` empty or ≥ d (`to_inclusive`, e.g.
    a designation valid to 31 Dec) or > d (not inclusive: the date the record ends, e.g. the day a
    unit was closed). Stocks do not add up over periods; the record type's date field is not used.
    """

    record: str
    fn: Fn = Fn.COUNT
    field: str | None = None
    filters: Mapping[str, Any] | Q = dataclasses.field(default_factory=dict)
    valid_from: str = "valid_from"
    valid_to: str = "valid_to"
    at: date | None = None
    to_inclusive: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "fn", Fn(self.fn))
        if (self.fn == Fn.COUNT) != (self.field is None):
            raise ValueError("count takes no field; sum needs one, count_distinct too")

    @property
    def additive(self) -> bool:
        # count and sum add up over children and to-one breakdowns (never over periods: each is its
        # own day); count_distinct (distinct people holding a post on the day) does not
        return self.fn != Fn.COUNT_DISTINCT

    def q(self) -> Q:
        return self.filters if isinstance(self.filters, Q) else Q(**self.filters)

    def conditions(self) -> dict[str, Any] | None:
        if not isinstance(self.filters, Q):
            return dict(self.filters)
        return _flat_and(self.filters)

    def in_force(self, day: date) -> Q:
        """Records in force on `day`."""
        until = f"{self.valid_to}__gte" if self.to_inclusive else f"{self.valid_to}__gt"
        return (Q(**{f"{self.valid_from}__isnull": True}) | Q(**{f"{self.valid_from}__lte": day})) & (
            Q(**{f"{self.valid_to}__isnull": True}) | Q(**{until: day})
        )


@dataclass(frozen=True)
class FormValue:
    """Extension point: a value entered on a statistics form (统计年报 cell not computable from records).

    Planned semantics: the approved value of `item` on form `form` for the unit and period (本级 or
    汇总). Added with the `statistics` app; the engine raises NotImplementedError until then.
    """

    form: str
    item: str
    consolidated: bool = True


Definition = Aggregate | Ratio | StockAt | FormValue


@dataclass(frozen=True)
class Words:
    """How reports name an indicator's figure: read by the fact-check, written by the report generator.

    One declaration per indicator; adding an indicator with `words=` makes its figures checkable, and
    an indicator without words is never the target of a figure in a text (precision first).

    The fact-check (kexie.reports.factcheck.mapping) reads a figure's *own words* (from the previous
    figure or the start of its part of the sentence up to the figure, and the noun right after it:
    "2000多场次科普活动") and its *phrase* (what the figure counts: the words after the last verb such
    as 开展/举办/组织, "特色科普展演活动"). A figure maps to the indicator only when:
    - its counter word is one of `counters` ("场次", "场", "次" / "人次" / "家", "个"; "" for a figure
      written without a counter right after its subject: "浏览量达1.2万");
    - its phrase contains one of `subjects` (what is counted: "科普活动", "学术交流活动", "企业科协"),
      or its own words name nothing and it continues the subject named before it in the sentence
      ("举办科普活动30场次，参与1200人次");
    - every group of `requires` has one word in its own words (e.g. (("重点",),));
    - none of `excludes` is in its own words (a different thing counted the same way: "视频");
    - one of `context` (if any) is in its sentence ("活动" for people taking part in activities);
    - every qualifier the text states is one the indicator understands: a word of any indicator's
      `requires`, or a member word of any breakdown (`qualifiers`), must be one of this indicator's;
    - nothing is left of the phrase but the subject, qualifiers and filler words: "科普大篷车进基层活动"
      is not all 科普活动, so it is not checked against them.
    `qualifiers` maps a breakdown dimension of the record type ("campaign", "target", "org_type",
    "type") to its members' codes and the words that name them ({"enterprise": ("企业科协",)}); a
    figure naming exactly one member is checked against that member of the breakdown. Campaign names
    stored in the database are added to the "campaign" members at run time.
    Flows stated with 累计/先后/历年 are cumulative: checked over the report's span (a 五年回顾) or
    from a stated start ("2021年以来"), otherwise not checkable; a stock (Kind.STOCK) is read at the
    period's end whatever the wording ("累计成立企业科协96家").
    `noun` is the name the generator writes for the figure ("重点科普活动"), and a fact-check of the
    generated sentence reads it back to the same indicator (tests/reports/test_factcheck.py pins the
    nouns the generator writes). A noun may be one that continues a subject ("参与群众" after
    "举办科普活动……"): give such an indicator its subject words too (e.g. ("科普活动", "活动")).
    """

    subjects: tuple[str, ...]
    counters: tuple[str, ...]
    requires: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    qualifiers: Mapping[str, Mapping[str, tuple[str, ...]]] = dataclasses.field(default_factory=dict)
    noun: str = ""

    def __post_init__(self) -> None:
        if not self.subjects or not self.counters:
            raise ValueError("Words need at least one subject and one counter word")


@dataclass(frozen=True)
class Indicator:
    """A named figure: what it is called, counted in, and how it is computed."""

    code: str
    name: str
    unit: str  # 场次, 人次, 个, 次, % …
    kind: Kind
    definition: Definition
    description: str  # Chinese definition text for the catalogue page
    group: str = ""  # catalogue section
    words: Words | None = None  # how reports name it; None: the fact-check never maps a figure to it

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))


_INDICATORS: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    for indicator in indicators:
        if indicator.code in _INDICATORS:
            raise ValueError(f"indicator {indicator.code!r} is already declared")
        _INDICATORS[indicator.code] = indicator


def indicator(code: str) -> Indicator:
    try:
        return _INDICATORS[code]
    except KeyError:
        raise LookupError(f"未定义的指标“{code}”") from None


def indicators() -> list[Indicator]:
    """Every declared indicator, in declaration order."""
    return list(_INDICATORS.values())


def check() -> list[str]:
    """Problems in the declarations (empty when all is well): unknown record types, fields, lookups,
    ratio operands, and ratio cycles. Run by the tests so that a typo never reaches a figure."""
    problems: list[str] = []
    for ind in _INDICATORS.values():
        d = ind.definition
        if isinstance(d, (Aggregate, StockAt)):
            rt = _RECORD_TYPES.get(d.record)
            if rt is None:
                problems.append(f"{ind.code}: unknown record type {d.record!r}")
                continue
            try:
                if d.field:
                    rt.model._meta.get_field(d.field.split("__")[0])
                rt.model.objects.filter(rt.base_filter & d.q()).query  # noqa: B018 - resolves lookups
            except Exception as error:  # any resolution error is a declaration problem
                problems.append(f"{ind.code}: {error}")
        elif isinstance(d, Ratio):
            for code in (d.numerator, d.denominator):
                if code not in _INDICATORS:
                    problems.append(f"{ind.code}: unknown operand {code!r}")
            try:
                _ratio_operands(ind.code, set())
            except ValueError as error:
                problems.append(str(error))
    return problems


def _ratio_operands(code: str, seen: set[str]) -> None:
    if code in seen:
        raise ValueError(f"{code}: ratio refers to itself")
    d = _INDICATORS[code].definition if code in _INDICATORS else None
    if isinstance(d, Ratio):
        for operand in (d.numerator, d.denominator):
            _ratio_operands(operand, seen | {code})
