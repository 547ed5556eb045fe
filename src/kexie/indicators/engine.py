"""The indicator engine: the one place a figure is computed, with a link to the records behind it.

`evaluate()` takes any set of declared indicators, a unit inside the caller's scope, any periods
(years, quarters, months, custom ranges, spans — overlapping is fine) and returns every figure for
the unit's subtree (and, with by="child", for each direct child and for the unit's own records),
optionally broken down by a dimension (activity type, campaign, target group …).

How it stays a handful of SQL queries whatever the number of units and periods:
- the periods are cut into non-overlapping date segments (every period is a union of segments);
  a CASE on the record date gives each record its segment, so one GROUP BY serves all periods;
- the child a record belongs to is the prefix of its unit's path (treebeard, 4 characters a level),
  so one GROUP BY on that prefix serves all children;
- all count/sum indicators over one record type are conditional aggregates (COUNT/SUM … FILTER) in
  the same query: one query per record type and breakdown, plus one per count_distinct field;
- counts and sums add up over segments and children in Python; distinct counts are folded as sets
  (they do not add up).
Records are read only through `scope()` (the one scoping mechanism) and the unit must be covered by
the caller's access, so nobody ever gets a figure from outside their subtree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, partial
from itertools import pairwise

from django.db import models
from django.db.models import Case, Count, Q, Sum, When
from django.db.models import Value as V
from django.db.models.functions import Substr
from django.http import Http404

from kexie.core.periods import Period
from kexie.indicators import catalogue  # noqa: F401 - the declarations register themselves
from kexie.indicators.registry import (
    NO_MEMBER,
    Aggregate,
    Dimension,
    Fn,
    FormValue,
    Indicator,
    LinkTarget,
    Ratio,
    RecordType,
    StockAt,
    crosses_to_many,
    indicator,
    record_type,
)
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, scope, scoped_models, subtree_q
from kexie.orgs.selectors import orgunit_children

BY_TOTAL = "total"
BY_CHILD = "child"

_TOTAL = "*"  # slot of the whole subtree; other slots are paths (a child's, or the unit's for 本级)
_ALL = None  # key of "not broken down"

Number = int | float | Decimal


@dataclass(frozen=True)
class Value:
    """One figure: an indicator for a period over a unit's subtree (or its own records), maybe for one
    breakdown member; `provenance` is the URL listing exactly the records behind it, or None when the
    list page cannot express the indicator's filter."""

    indicator: Indicator
    period: Period
    unit: OrgUnit
    value: Number | None
    own_only: bool = False  # 本级: the unit's own records, without its subtree
    key: str | None = None  # breakdown member code; NO_MEMBER for records without one
    key_label: str | None = None
    share: float | None = None  # of the unit's total, for a child's count or sum
    link: Callable[[], str | None] = field(default=lambda: None, repr=False, compare=False)

    @cached_property
    def provenance(self) -> str | None:
        """Built on first use: a ranking of 3,000 counties rarely needs 3,000 links."""
        return self.link()

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def label(self) -> str:
        return f"{self.unit.name}（本级）" if self.own_only else self.unit.name


class Result:
    """All figures of one `evaluate()` call. Look up with `value()`, rank children with `ranking()`."""

    def __init__(
        self,
        *,
        unit: OrgUnit,
        indicators: list[Indicator],
        periods: list[Period],
        by: str,
        breakdown: Dimension | None,
        children: list[OrgUnit],
        keys: list[tuple[str, str]],
        values: dict[tuple, Value],
    ):
        self.unit = unit
        self.indicators = indicators
        self.periods = periods
        self.by = by
        self.breakdown = breakdown
        self.children = children
        self.keys = keys  # (code, label) of the breakdown members found, in display order
        self._values = values
        self._children_by_id = {c.pk: c for c in children}

    def value(
        self, code: str, period: Period | str, child: OrgUnit | int | None = None, key: str | None = None
    ) -> Value:
        """The figure for the unit's subtree, or for `child`'s subtree; `key` picks a breakdown member."""
        slot = _TOTAL
        if child is not None:
            pk = child.pk if isinstance(child, OrgUnit) else child
            if pk not in self._children_by_id:
                raise LookupError(f"{child} is not a child of {self.unit} in this result")
            slot = self._children_by_id[pk].path
        return self._get(code, period, slot, key)

    def own(self, code: str, period: Period | str, key: str | None = None) -> Value:
        """The figure over the unit's own records (本级), without its subtree (by="child" only)."""
        return self._get(code, period, self.unit.path, key)

    def ranking(self, code: str, period: Period | str, key: str | None = None) -> list[Value]:
        """Every child, largest first (ties in the order of the org tree page), each with its share of
        the unit's total (count and sum only)."""
        rows = [self.value(code, period, c, key) for c in self.children]
        return sorted(rows, key=lambda v: (v.value is None, -(v.value or 0)))

    def series(self, code: str, child: OrgUnit | int | None = None, key: str | None = None) -> list[Value]:
        return [self.value(code, p, child, key) for p in self.periods]

    def __iter__(self) -> Iterator[Value]:
        return iter(self._values.values())

    def __len__(self) -> int:
        return len(self._values)

    def _get(self, code: str, period: Period | str, slot: str, key: str | None) -> Value:
        try:
            return self._values[(code, Period.parse(period), slot, key)]
        except KeyError:
            raise LookupError(f"no value for {code} {period} {slot} {key!r} in this result") from None


def evaluate(
    *,
    access: Access,
    indicators: Sequence[str],
    periods: Sequence[Period | str],
    unit: OrgUnit | int | None = None,
    by: str = BY_TOTAL,
    breakdown: str | None = None,
) -> Result:
    """Evaluate `indicators` (codes) for `unit` (default: the active unit of `access`) and each period.

    by="child" adds a value for every direct child of the unit (0 where it has no records) and for the
    unit's own records (本级). `breakdown` names a dimension of the record types involved ("type",
    "campaign", "target"); values are then also given per member. Raises Http404 when the unit is
    outside the access's scope (or its role may not view), like every scoped lookup.
    """
    if by not in (BY_TOTAL, BY_CHILD):
        raise ValueError(f"by must be {BY_TOTAL!r} or {BY_CHILD!r}, not {by!r}")
    wanted = [indicator(code) for code in dict.fromkeys(indicators)]
    period_list = list(dict.fromkeys(Period.parse(p) for p in periods))
    if not wanted or not period_list:
        raise ValueError("evaluate() needs at least one indicator and one period")
    unit = _unit_in_scope(access, unit)
    aggregates = _aggregates_for(wanted)
    by_record: dict[str, list[Indicator]] = defaultdict(list)
    for ind in aggregates.values():
        by_record[ind.definition.record].append(ind)
    record_types = {key: record_type(key) for key in by_record}
    dims = {key: rt.dimension(breakdown) for key, rt in record_types.items()} if breakdown else {}

    children = list(orgunit_children(access=access, unit=unit)) if by == BY_CHILD else []
    child_len = (unit.depth + 1) * OrgUnit.steplen if by == BY_CHILD else None
    segments = _Segments(period_list)
    cells = _Cells()
    for key, inds in by_record.items():
        _count_records(cells, record_types[key], inds, access, unit, segments, child_len, dims.get(key))

    slots = [_TOTAL] + ([unit.path] + [c.path for c in children] if by == BY_CHILD else [])
    keys = sorted(cells.keys.items(), key=lambda kv: (kv[0] == NO_MEMBER, kv[1][1], kv[0]))
    key_list = [(code, label) for code, (label, _) in keys]
    builder = _ValueBuilder(unit, children, record_types, dims, cells, aggregates)
    values: dict[tuple, Value] = {}
    for ind in wanted:
        for period in period_list:
            for slot in slots:
                for key, label in [(_ALL, None), *key_list]:
                    values[(ind.code, period, slot, key)] = builder.value(ind, period, slot, key, label)
    return Result(
        unit=unit,
        indicators=wanted,
        periods=period_list,
        by=by,
        breakdown=next(iter(dims.values()), None),
        children=children,
        keys=key_list,
        values=values,
    )


# --------------------------------------------------------------------------- scope and declarations


def _unit_in_scope(access: Access, unit: OrgUnit | int | None) -> OrgUnit:
    if unit is None:
        unit = access.unit
        if unit is None:
            raise Http404("不存在或无权访问")
    if isinstance(unit, OrgUnit) and access.covers(unit, Action.VIEW):
        return unit
    pk = unit.pk if isinstance(unit, OrgUnit) else unit
    return get_in_scope(OrgUnit.objects.all(), access, Action.VIEW, pk=pk)


def _aggregates_for(wanted: Iterable[Indicator]) -> dict[str, Indicator]:
    """The Aggregate indicators needed: the wanted ones and, recursively, the operands of ratios."""
    out: dict[str, Indicator] = {}

    def visit(ind: Indicator) -> None:
        d = ind.definition
        if isinstance(d, Aggregate):
            out[ind.code] = ind
        elif isinstance(d, Ratio):
            visit(indicator(d.numerator))
            visit(indicator(d.denominator))
        elif isinstance(d, StockAt):
            raise NotImplementedError(f"{ind.code}: stock indicators (StockAt) arrive with the registries")
        elif isinstance(d, FormValue):
            raise NotImplementedError(f"{ind.code}: statistics-form values arrive with the statistics app")
        else:
            raise TypeError(f"{ind.code}: unknown definition {d!r}")

    for ind in wanted:
        visit(ind)
    return out


# --------------------------------------------------------------------------- periods → segments


class _Segments:
    """The periods cut at every start and end into non-overlapping half-open date ranges."""

    def __init__(self, periods: list[Period]):
        bounds = sorted({p.start for p in periods} | {p.end_exclusive for p in periods})
        self.bounds = bounds
        self.periods_of: list[list[Period]] = [
            [p for p in periods if p.start <= lo and hi <= p.end_exclusive] for lo, hi in pairwise(bounds)
        ]

    def case(self, date_field: str) -> Case:
        """Segment number of a record: CASE WHEN d < b1 THEN 0 WHEN d < b2 THEN 1 … (d ≥ b0 by `where`)."""
        whens = [When(**{f"{date_field}__lt": b}, then=V(i)) for i, b in enumerate(self.bounds[1:-1])]
        return Case(*whens, default=V(len(self.bounds) - 2), output_field=models.IntegerField())

    def where(self, date_field: str) -> Q:
        """Records dated inside some period: one range per run of consecutive covered segments."""
        q = Q()
        runs: list[list[date]] = []
        for i, periods in enumerate(self.periods_of):
            if not periods:
                continue
            lo, hi = self.bounds[i], self.bounds[i + 1]
            if runs and runs[-1][1] == lo:
                runs[-1][1] = hi
            else:
                runs.append([lo, hi])
        for lo, hi in runs:
            q |= Q(**{f"{date_field}__gte": lo, f"{date_field}__lt": hi})
        return q


# --------------------------------------------------------------------------- the queries


class _Cells:
    """Numbers folded from query rows: sums keyed (code, period, slot, key), sets for distinct counts."""

    def __init__(self) -> None:
        self.sums: dict[tuple, Number] = defaultdict(int)
        self.sets: dict[tuple, set] = defaultdict(set)
        self.keys: dict[str, tuple[str, tuple]] = {}  # member code → (label, sort key)


def _safe_q(model: type[models.Model], filters) -> Q:
    """The filter as a Q that never multiplies rows: conditions through a to-many relation become
    `pk IN (subquery)`, so a record matching twice (two target groups) is still one row."""
    manager = model._default_manager
    if isinstance(filters, Q):
        lookups = list(_leaf_lookups(filters))
        if any(crosses_to_many(model, lookup) for lookup in lookups):
            return Q(pk__in=manager.filter(filters).values("pk"))
        return filters
    q = Q()
    for lookup, value in filters.items():
        leaf = Q(**{lookup: value})
        q &= Q(pk__in=manager.filter(leaf).values("pk")) if crosses_to_many(model, lookup) else leaf
    return q


def _leaf_lookups(q: Q) -> Iterator[str]:
    for child in q.children:
        if isinstance(child, Q):
            yield from _leaf_lookups(child)
        else:
            yield child[0]


def _records(rt: RecordType, access: Access, unit: OrgUnit, segments: _Segments) -> models.QuerySet:
    """The records of `rt` that count: in scope, in the unit's subtree, base filter, in some period."""
    qs = scope(rt.model._default_manager.all(), access, Action.VIEW)
    if crosses_to_many(rt.model, scoped_models()[rt.model]):
        qs = rt.model._default_manager.filter(pk__in=qs.values("pk"))
    return qs.filter(
        _safe_q(rt.model, rt.base_filter),
        subtree_q(unit.path, via=rt.org_lookup),
        segments.where(rt.date_field),
    )


def _count_records(
    cells: _Cells,
    rt: RecordType,
    inds: list[Indicator],
    access: Access,
    unit: OrgUnit,
    segments: _Segments,
    child_len: int | None,
    dim: Dimension | None,
) -> None:
    base = _records(rt, access, unit, segments)
    group = {"k_seg": segments.case(rt.date_field)}
    if child_len is not None:
        group["k_slot"] = Substr(f"{rt.org_lookup}__path", 1, child_len)
    base = base.annotate(**group)
    dim_fields = dim.fields if dim else []

    additive = [i for i in inds if i.definition.additive]
    if additive:
        # Totals (not broken down) come from their own query: a to-many breakdown's members overlap.
        # Filters never join to-many relations (see _safe_q), so the breakdown's join is the only one
        # that repeats a record, once per member: per member group each record is one row, and sums
        # are exact. Counts say DISTINCT anyway, as a guard that costs little.
        for d, fields in [(None, []), *([(dim, dim_fields)] if dim else [])]:
            many = d is not None and crosses_to_many(rt.model, d.lookup)
            exprs = {f"a{n}": _aggregate(rt, i.definition, distinct_pk=many) for n, i in enumerate(additive)}
            for row in base.values(*group, *fields).annotate(**exprs).order_by():
                key = _member(cells, d, row)
                for n, ind in enumerate(additive):
                    if row[f"a{n}"]:
                        for period, slot in _places(segments, row, child_len):
                            cells.sums[(ind.code, period, slot, key)] += row[f"a{n}"]

    by_field: dict[str, list[Indicator]] = defaultdict(list)
    for ind in inds:
        if not ind.definition.additive:
            by_field[ind.definition.field].append(ind)
    for distinct_field, group_inds in by_field.items():
        # One row per distinct value of the field per group; a value counts for an indicator when at
        # least one of its records matches the indicator's filter. Sets then give exact distinct
        # counts for every roll-up (periods, totals, all members), which SQL sums could not.
        exprs = {f"a{n}": Count("pk", filter=_filter(rt, i.definition)) for n, i in enumerate(group_inds)}
        rows = base.values(*group, *dim_fields, distinct_field).annotate(**exprs).order_by()
        for row in rows:
            if row[distinct_field] is None:
                continue
            keys = [_ALL] + ([_member(cells, dim, row)] if dim else [])
            for n, ind in enumerate(group_inds):
                if row[f"a{n}"]:
                    for period, slot in _places(segments, row, child_len):
                        for key in keys:
                            cells.sets[(ind.code, period, slot, key)].add(row[distinct_field])


def _filter(rt: RecordType, agg: Aggregate) -> Q | None:
    q = _safe_q(rt.model, agg.filters)
    return q if q else None


def _aggregate(rt: RecordType, agg: Aggregate, *, distinct_pk: bool) -> models.Aggregate:
    if agg.fn == Fn.COUNT:
        return Count("pk", filter=_filter(rt, agg), distinct=distinct_pk)
    return Sum(agg.field, filter=_filter(rt, agg))


def _member(cells: _Cells, dim: Dimension | None, row: dict) -> str | None:
    if dim is None:
        return _ALL
    code = row[dim.lookup]
    if code is None:
        cells.keys.setdefault(NO_MEMBER, (dim.none_label, ()))
        return NO_MEMBER
    order = row[dim.order_lookup] if dim.order_lookup else 0
    cells.keys.setdefault(code, (row[dim.label_lookup], (order,)))
    return code


def _places(segments: _Segments, row: dict, child_len: int | None) -> Iterator[tuple[Period, str]]:
    for period in segments.periods_of[row["k_seg"]]:
        yield period, _TOTAL
        if child_len is not None:
            yield period, row["k_slot"]


# --------------------------------------------------------------------------- numbers → values


class _ValueBuilder:
    def __init__(self, unit, children, record_types, dims, cells: _Cells, aggregates):
        self.unit = unit
        self.units = {unit.path: unit} | {c.path: c for c in children}
        self.record_types = record_types
        self.dims = dims
        self.cells = cells
        self.aggregates = aggregates

    def value(self, ind: Indicator, period: Period, slot: str, key, key_label) -> Value:
        number = self.number(ind, period, slot, key)
        share = None
        if slot != _TOTAL and isinstance(ind.definition, Aggregate) and ind.definition.additive:
            total = self.number(ind, period, _TOTAL, key)
            share = float(number) / float(total) if total else None
        return Value(
            indicator=ind,
            period=period,
            unit=self.unit if slot == _TOTAL else self.units[slot],
            value=number,
            link=partial(self.provenance, ind, period, slot, key),
            own_only=slot == self.unit.path,
            key=key,
            key_label=key_label,
            share=share,
        )

    def number(self, ind: Indicator, period: Period, slot: str, key) -> Number | None:
        d = ind.definition
        if isinstance(d, Ratio):
            num = self.number(indicator(d.numerator), period, slot, key)
            den = self.number(indicator(d.denominator), period, slot, key)
            if num is None or not den:
                return None
            return float(num) / float(den) * d.scale
        cell = (ind.code, period, slot, key)
        if d.fn == Fn.COUNT_DISTINCT:
            return len(self.cells.sets.get(cell, ()))
        return _normalise(self.record_types[d.record], d, self.cells.sums.get(cell, 0))

    def provenance(self, ind: Indicator, period: Period, slot: str, key) -> str | None:
        d = ind.definition
        if isinstance(d, Ratio):
            num = self.provenance(indicator(d.numerator), period, slot, key)
            return num if num == self.provenance(indicator(d.denominator), period, slot, key) else None
        rt = self.record_types[d.record]
        conditions = d.conditions()
        if rt.link is None or conditions is None:
            return None
        if key is not _ALL:
            dim = self.dims[d.record]
            member = {f"{dim.lookup}__isnull": True} if key == NO_MEMBER else {dim.lookup: key}
            for lookup, value in member.items():
                if conditions.get(lookup, value) != value:
                    return None  # contradictory: the figure is 0 and no list shows "both"
                conditions[lookup] = value
        unit = self.unit if slot == _TOTAL else self.units[slot]
        return rt.link(LinkTarget(period, unit, slot == self.unit.path, conditions))


def _normalise(rt: RecordType, agg: Aggregate, number: Number) -> Number:
    """Integers stay integers (PostgreSQL sums bigint columns as numeric, i.e. Decimal)."""
    if agg.fn == Fn.COUNT or isinstance(_target_field(rt.model, agg.field), models.IntegerField):
        return int(number)
    return number


def _target_field(model: type[models.Model], path: str | None) -> models.Field | None:
    f = None
    for part in (path or "").split("__"):
        if not part:
            return None
        f = model._meta.get_field(part)
        if f.is_relation:
            model = f.related_model
    return f
