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

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, partial
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, OuterRef, Q, Subquery, Sum, When
from django.db.models import Value as V
from django.db.models.functions import Substr
from django.http import Http404

from kexie.core.periods import Period
from kexie.indicators import catalogue  # noqa: F401 - the declarations register themselves
from kexie.indicators.registry import (
    NO_MEMBER,
    Aggregate,
    Dimension,
    FactSource,
    Fn,
    FormValue,
    Indicator,
    LinkTarget,
    Ratio,
    RecordType,
    StockAt,
    _flat_and,
    crosses_to_many,
    indicator,
    record_type,
)
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, scope, scoped_models, subtree_q
from kexie.orgs.selectors import orgunit_children

BY_TOTAL = "total"
BY_CHILD = "child"
SOURCES = ("auto", "records", "facts")

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

    @classmethod
    def _build(cls, indicator, period, unit, value, own_only, key, key_label, share, link) -> Value:
        """What the engine uses for the values callers ask for (thousands, for a ranking of every
        county): the frozen dataclass's __init__ sets each field through object.__setattr__, several
        times slower. The result is the same."""
        built = _new(cls)
        _setattr(
            built,
            "__dict__",
            {
                "indicator": indicator,
                "period": period,
                "unit": unit,
                "value": value,
                "own_only": own_only,
                "key": key,
                "key_label": key_label,
                "share": share,
                "link": link,
            },
        )
        return built

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def label(self) -> str:
        return f"{self.unit.name}（本级）" if self.own_only else self.unit.name


_new = object.__new__
_setattr = object.__setattr__


class Result:
    """All figures of one `evaluate()` call. Look up with `value()`, rank children with `ranking()`.

    The numbers are folded when `evaluate()` returns; a `Value` (with its share and provenance link)
    is built the first time it is asked for: a page shows a few hundred of the thousands of figures
    one call holds (every indicator × period × child × breakdown member)."""

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
        builder: _ValueBuilder,
        slots: list[str],
        broken_down: frozenset[str],
        sources: dict[str, str] | None = None,
    ):
        self.unit = unit
        self.indicators = indicators
        self.periods = periods
        self.by = by
        self.breakdown = breakdown
        self.children = children
        self.keys = keys  # (code, label) of the breakdown members found, in display order
        # where each count/sum indicator was read: "facts" (pre-aggregated table) or "records"
        self.sources = sources or {}
        self._builder = builder
        self._slots = slots  # _TOTAL, then (by="child") the unit's own path and each child's
        self._slot_set = frozenset(slots)
        self._broken_down = broken_down  # codes of the indicators given per breakdown member
        self._key_labels = dict(keys)
        self._indicators = {ind.code: ind for ind in indicators}
        self._values: dict[tuple, Value] = {}  # (code, period index, slot, key) → Value, once built
        # Period (or a string callers look values up with) → its index: ints hash faster than Periods
        self._period_index: dict[Period | str, int] = {p: n for n, p in enumerate(periods)}
        self._children_by_id = {c.pk: c for c in children}

    def value(
        self, code: str, period: Period | str, child: OrgUnit | int | None = None, key: str | None = None
    ) -> Value:
        """The figure for the unit's subtree, or for `child`'s subtree; `key` picks a breakdown member."""
        return self._get(code, period, self._slot(child), key)

    def number(
        self,
        code: str,
        period: Period | str,
        child: OrgUnit | int | None = None,
        key: str | None = None,
        *,
        own: bool = False,
    ) -> Number | None:
        """`value(…).value` (`own(…).value` with own=True) without building the Value: for readers of
        many numbers and none of their links (exports, charts, comparisons)."""
        at = self._at(code, period, self.unit.path if own else self._slot(child), key)
        built = self._values.get(at)
        return built.value if built is not None else self._builder.number(self._indicators[code], *at[1:])

    def members(self, code: str) -> list[str]:
        """The breakdown members `code` has values for (all of `keys`), or [] when it is not broken
        down (no breakdown asked, or its record type lacks the dimension)."""
        return list(self._key_labels) if code in self._broken_down else []

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
        for ind in self.indicators:
            members = [_ALL, *self.members(ind.code)]
            for pidx in range(len(self.periods)):
                for slot in self._slots:
                    for key in members:
                        yield self._built((ind.code, pidx, slot, key))

    def __len__(self) -> int:
        members = len(self._key_labels) + 1
        return sum(
            len(self.periods) * len(self._slots) * (members if ind.code in self._broken_down else 1)
            for ind in self.indicators
        )

    def _slot(self, child: OrgUnit | int | None) -> str:
        if child is None:
            return _TOTAL
        pk = child.pk if isinstance(child, OrgUnit) else child
        found = self._children_by_id.get(pk)
        if found is None:
            raise LookupError(f"{child} is not a child of {self.unit} in this result")
        return found.path

    def _at(self, code: str, period: Period | str, slot: str, key: str | None) -> tuple:
        """The cell's coordinates; LookupError when the result does not hold it."""
        pidx = self._period_index.get(period)
        if pidx is None and not isinstance(period, Period):
            pidx = self._period_index.get(Period.parse(period))
            if pidx is not None:
                self._period_index[period] = pidx
        if (
            pidx is None
            or code not in self._indicators
            or slot not in self._slot_set
            or (key is not _ALL and (key not in self._key_labels or code not in self._broken_down))
        ):
            raise LookupError(f"no value for {code} {period} {slot} {key!r} in this result")
        return (code, pidx, slot, key)

    def _get(self, code: str, period: Period | str, slot: str, key: str | None) -> Value:
        return self._built(self._at(code, period, slot, key))

    def _built(self, at: tuple) -> Value:
        built = self._values.get(at)
        if built is None:
            code, pidx, slot, key = at
            built = self._values[at] = self._builder.value(
                self._indicators[code], self.periods[pidx], pidx, slot, key, self._key_labels.get(key)
            )
        return built


def evaluate(
    *,
    access: Access,
    indicators: Sequence[str],
    periods: Sequence[Period | str],
    unit: OrgUnit | int | None = None,
    by: str = BY_TOTAL,
    breakdown: str | None = None,
    source: str = "auto",
    where: Mapping[str, Any] | Q | None = None,
    all_records: bool = False,
) -> Result:
    """Evaluate `indicators` (codes) for `unit` (default: the active unit of `access`) and each period.

    by="child" adds a value for every direct child of the unit (0 where it has no records) and for the
    unit's own records (本级). `breakdown` names a dimension of the record types involved ("type",
    "campaign", "target"); values are then also given per member. Raises Http404 when the unit is
    outside the access's scope (or its role may not view), like every scoped lookup.

    `source` picks where counts and sums are read: "auto" (default) reads a record type's
    pre-aggregated fact table for every indicator it can answer and the records for the rest;
    "records" always reads the records; "facts" insists on the fact table (ValueError when an
    indicator cannot be answered from it). The figures are the same on both paths.

    `where` adds conditions on the records to every count/sum (lookups like an indicator's filters,
    e.g. {"campaign__code": "st_week"} or a Q), and `all_records=True` drops the record type's base
    filter (activities: only those held): together they express any filtered list of records, so
    that a list page's totals are computed here too. Provenance links carry them as well.
    """
    if by not in (BY_TOTAL, BY_CHILD):
        raise ValueError(f"by must be {BY_TOTAL!r} or {BY_CHILD!r}, not {by!r}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    wanted = [indicator(code) for code in dict.fromkeys(indicators)]
    period_list = list(dict.fromkeys(Period.parse(p) for p in periods))
    if not wanted or not period_list:
        raise ValueError("evaluate() needs at least one indicator and one period")
    unit = _unit_in_scope(access, unit)
    aggregates = _aggregates_for(wanted)
    if where:
        aggregates = {code: _narrowed(ind, where) for code, ind in aggregates.items()}
    by_record: dict[str, list[Indicator]] = defaultdict(list)
    for ind in aggregates.values():
        by_record[ind.definition.record].append(ind)
    record_types = {key: record_type(key) for key in by_record}
    if all_records:
        record_types = {key: dataclasses.replace(rt, base_filter=Q()) for key, rt in record_types.items()}
    dims: dict[str, Dimension] = {}
    if breakdown:
        # record types without the dimension (org units by activity type) give unbroken values only
        dims = {
            key: rt.dimensions[breakdown] for key, rt in record_types.items() if breakdown in rt.dimensions
        }
        if not dims:
            next(iter(record_types.values())).dimension(breakdown)  # raises the Chinese LookupError

    children = list(orgunit_children(access=access, unit=unit)) if by == BY_CHILD else []
    child_len = (unit.depth + 1) * OrgUnit.steplen if by == BY_CHILD else None
    segments = _Segments(period_list)
    cells = _Cells()
    sources: dict[str, str] = {}
    with _aggregation_settings():
        for key, inds in by_record.items():
            stocks = [ind for ind in inds if isinstance(ind.definition, StockAt)]
            flows = [ind for ind in inds if not isinstance(ind.definition, StockAt)]
            if stocks:
                if source == "facts":
                    raise ValueError(f"{', '.join(i.code for i in stocks)}: 存量指标只从记录计算")
                _count_stocks(
                    cells, record_types[key], stocks, access, unit, period_list, child_len, dims.get(key)
                )
                sources.update((ind.code, "records") for ind in stocks)
            if flows:
                for src, group in _plan(record_types[key], flows, segments, dims.get(key), source):
                    _count_records(cells, src, group, access, unit, segments, child_len, dims.get(key))
                    sources.update((ind.code, src.name) for ind in group)

    keys = sorted(cells.keys.items(), key=lambda kv: (kv[0] == NO_MEMBER, kv[1][1], kv[0]))
    return Result(
        unit=unit,
        indicators=wanted,
        periods=period_list,
        by=by,
        breakdown=next(iter(dims.values()), None),
        children=children,
        keys=[(code, label) for code, (label, _) in keys],
        builder=_ValueBuilder(unit, children, record_types, dims, cells, aggregates, all_records),
        slots=[_TOTAL] + ([unit.path] + [c.path for c in children] if by == BY_CHILD else []),
        broken_down=frozenset(ind.code for ind in wanted if _broken_down(ind, dims)),
        sources=sources,
    )


@contextmanager
def _aggregation_settings():
    """PostgreSQL cannot estimate how many groups the engine's GROUP BY yields (expressions over the
    month and the tree path): it assumes about one per row and, with its default 4 MB work_mem, sorts
    them — spilling to disk — where hashing the few hundred real groups is 1.5–2× faster (70 → 48 ms
    for the dashboard's totals at 1M activities). These queries get KEXIE_ENGINE_WORK_MEM
    (set_config(…, is_local) in a transaction: it ends with the transaction; inside a caller's
    transaction, with the caller's). Empty: the server's setting."""
    work_mem = settings.KEXIE_ENGINE_WORK_MEM
    if connection.vendor != "postgresql" or not work_mem:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        yield


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


def _broken_down(ind: Indicator, dims: Mapping[str, Dimension]) -> bool:
    d = ind.definition
    if isinstance(d, Ratio):
        return _broken_down(indicator(d.numerator), dims) and _broken_down(indicator(d.denominator), dims)
    return getattr(d, "record", None) in dims


def _narrowed(ind: Indicator, where: Mapping[str, Any] | Q) -> Indicator:
    """The indicator with `where` ANDed to its filters (kept a dict of lookups when both are, so
    that provenance links can still be written)."""
    agg = ind.definition
    mine = agg.filters
    if not isinstance(mine, Q) and not isinstance(where, Q) and not (set(mine) & set(where)):
        filters: Mapping[str, Any] | Q = {**mine, **where}
    else:
        as_q = [f if isinstance(f, Q) else Q(**f) for f in (mine, where)]
        filters = as_q[0] & as_q[1]
    return dataclasses.replace(ind, definition=dataclasses.replace(agg, filters=filters))


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
            out[ind.code] = ind
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
        self.years = [p.end.year for p in periods]  # a period's year (for Dimension.year_lookup)
        # every period is a union of whole months: monthly fact rows can answer it
        self.month_aligned = all(b.day == 1 for b in bounds)
        # for each segment, the indexes (in `periods`) of the periods it belongs to
        self.periods_of: list[list[int]] = [
            [i for i, p in enumerate(periods) if p.start <= lo and hi <= p.end_exclusive]
            for lo, hi in pairwise(bounds)
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
    """Numbers folded from query rows: per indicator code, sums keyed (period index, slot, key), and
    sets for distinct counts (period indexes rather than Periods: these dicts are hit a few times per
    row and per value)."""

    def __init__(self) -> None:
        self.sums: dict[str, dict[tuple, Number]] = defaultdict(lambda: defaultdict(int))
        self.sets: dict[str, dict[tuple, set]] = defaultdict(lambda: defaultdict(set))
        self.keys: dict[str, tuple[str, tuple]] = {}  # member code → (label, sort key)
        # dimension `via` → {related id: (code, label, sort key)}, read once per call
        self.members: dict[tuple[type[models.Model], str], dict] = {}

    def member_table(self, model: type[models.Model], dim: Dimension) -> dict:
        key = (model, dim.via)
        if key not in self.members:
            related = model._meta.get_field(dim.via).related_model
            code, label, order = dim.related_fields()
            rows = related._default_manager.order_by().values_list(
                "pk", code, label, *([order] if order else [])
            )
            self.members[key] = {r[0]: (r[1], r[2], (r[3] if order else 0,)) for r in rows}
        return self.members[key]


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


class _Source:
    """Where a group of indicators is counted: the records of a record type (this class) or its
    pre-aggregated fact table (`_Facts`)."""

    name = "records"

    def __init__(self, rt: RecordType):
        self.rt = rt
        self.model = rt.model
        self.date_field = rt.date_field
        self.org_lookup = rt.org_lookup
        self.base_filter = rt.base_filter

    def filter(self, ind: Indicator) -> Q | None:
        q = _safe_q(self.model, ind.definition.filters)
        return q if q else None

    def aggregate(self, ind: Indicator, *, distinct_pk: bool) -> models.Aggregate:
        agg = ind.definition
        if agg.fn == Fn.COUNT:
            return Count("pk", filter=self.filter(ind), distinct=distinct_pk)
        return Sum(agg.field, filter=self.filter(ind))


class _Facts(_Source):
    """The fact table of a record type; `filters` holds each indicator's filter translated to it and
    the count measure that replaces the plain count (see FactSource)."""

    name = "facts"

    def __init__(
        self, rt: RecordType, fs: FactSource, base_filter: Q, filters: dict[str, tuple[Q, str | None]]
    ):
        self.rt = rt
        self.fs = fs
        self.model = fs.model
        self.date_field = fs.month_field
        self.org_lookup = fs.org_lookup
        ids = _list_ids(fs, [base_filter, *(q for q, _ in filters.values())]) if fs.lists else []
        self.base_filter = _resolve_lists(fs, base_filter, ids)
        self.filters = {code: (_resolve_lists(fs, q, ids), measure) for code, (q, measure) in filters.items()}

    def filter(self, ind: Indicator) -> Q | None:
        q = self.filters[ind.code][0]
        return q if q else None

    def aggregate(self, ind: Indicator, *, distinct_pk: bool) -> models.Aggregate:
        agg = ind.definition
        q, measure = self.filters[ind.code]
        column = (measure or self.fs.count) if agg.fn == Fn.COUNT else self.fs.sums[agg.field]
        return Sum(column, filter=q if q else None)


def _list_condition(fs: FactSource, child) -> tuple[str, str, Any] | None:
    """(dimension, lookup within the list, value) when `child` (a leaf of a Q) is a condition on a
    field of a list dimension (see FactSource.lists), else None."""
    if isinstance(child, Q):
        return None
    lookup, value = child
    first, _, rest = lookup.partition("__")
    if first not in fs.lists or not rest:
        return None
    related = fs.model._meta.get_field(first).related_model
    names = {f.name for f in related._meta.concrete_fields if not f.primary_key}
    return (first, rest, value) if rest.split("__", 1)[0] in names else None


def _list_leaves(fs: FactSource, q: Q) -> Iterator[tuple[str, str, Any]]:
    if q.negated:
        return
    for child in q.children:
        if isinstance(child, Q):
            yield from _list_leaves(fs, child)
        elif (cond := _list_condition(fs, child)) is not None:
            yield cond


def _list_ids(fs: FactSource, qs: Iterable[Q]) -> list[tuple[tuple[str, str, Any], list[int]]]:
    """For every list condition in `qs`, the ids of the list's rows meeting it: one query per list
    (each condition a boolean column), whatever the number of conditions."""
    by_list: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for q in qs:
        for cond in _list_leaves(fs, q):
            if cond not in by_list[cond[0]]:
                by_list[cond[0]].append(cond)
    out: list[tuple[tuple[str, str, Any], list[int]]] = []
    for first, conds in by_list.items():
        related = fs.model._meta.get_field(first).related_model
        columns = {
            f"c{n}": ExpressionWrapper(Q(**{rest: value}), output_field=BooleanField())
            for n, (_, rest, value) in enumerate(conds)
        }
        rows = list(related._default_manager.annotate(**columns).values_list("pk", *columns))
        for n, cond in enumerate(conds):
            out.append((cond, sorted(row[0] for row in rows if row[n + 1])))
    return out


def _resolve_lists(fs: FactSource, q: Q, ids: list[tuple[tuple[str, str, Any], list[int]]]) -> Q:
    """`q` with each list condition replaced by the ids of the list's rows that meet it (from
    `_list_ids`). Negated branches are left as they are (a join keeps their NULL semantics exact)."""
    if not ids or q.negated:
        return q
    children: list = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_resolve_lists(fs, child, ids))
            continue
        cond = _list_condition(fs, child)
        found = next((found for c, found in ids if c == cond), None) if cond else None
        if found is None:
            children.append(child)
        else:
            # no matching row: an id no row has (an empty IN would empty the whole aggregate query)
            children.append((f"{cond[0]}__in", found or [0]))
    return Q(*children, _connector=q.connector)


def _first(lookup: str) -> str:
    return lookup.split("__", 1)[0]


def _fact_filter(fs: FactSource, filters) -> tuple[Q, str | None] | None:
    """`filters` as a filter on the fact table plus the count measure it needs (None: the plain
    count), or None when the fact table cannot express it."""
    if isinstance(filters, Q):
        if all(_first(lookup) in fs.dimensions for lookup in _leaf_lookups(filters)):
            return filters, None
        filters = _flat_and(filters)
        if filters is None:
            return None
    q, measure = Q(), None
    for lookup, value in filters.items():
        if _first(lookup) in fs.dimensions:
            q &= Q(**{lookup: value})
            continue
        try:
            found = fs.counts_where.get((lookup, value))
        except TypeError:  # an unhashable value (a list) is never a counts_where condition
            found = None
        if found is None or measure is not None:
            return None
        measure = found
    return q, measure


def _fact_filters(rt: RecordType, inds: list[Indicator], segments: _Segments, dim: Dimension | None):
    """(base filter on the facts, {code: (filter, measure)} of the indicators the facts can answer),
    or None when the fact table cannot serve this call at all."""
    fs = rt.facts
    if fs is None or not segments.month_aligned:
        return None
    if dim is not None and not all(_first(f) in fs.dimensions for f in dim.fields):
        return None
    base = _fact_filter(fs, rt.base_filter)
    if base is None or base[1] is not None:
        return None
    out: dict[str, tuple[Q, str | None]] = {}
    for ind in inds:
        agg = ind.definition
        translated = _fact_filter(fs, agg.filters)
        if translated is None:
            continue
        if agg.fn == Fn.SUM and (agg.field not in fs.sums or translated[1] is not None):
            continue
        if agg.fn == Fn.COUNT_DISTINCT and (
            _first(agg.field) not in fs.dimensions or translated[1] is not None
        ):
            continue
        out[ind.code] = translated
    return base[0], out


def _plan(rt: RecordType, inds: list[Indicator], segments: _Segments, dim: Dimension | None, source: str):
    """[(source, indicators)]: the indicators the fact table can answer, then the rest from records."""
    plan: list[tuple[_Source, list[Indicator]]] = []
    fact = None if source == "records" else _fact_filters(rt, inds, segments, dim)
    on_facts = [ind for ind in inds if fact is not None and ind.code in fact[1]]
    rest = [ind for ind in inds if ind not in on_facts]
    if source == "facts" and rest:
        why = "期间不是整月" if rt.facts is not None and not segments.month_aligned else "预汇总表不能表达"
        raise ValueError(f"{', '.join(i.code for i in rest)}: {why}")
    if on_facts:
        plan.append((_Facts(rt, rt.facts, fact[0], fact[1]), on_facts))
    if rest:
        plan.append((_Source(rt), rest))
    return plan


def _records(src: _Source, access: Access, unit: OrgUnit, segments: _Segments) -> models.QuerySet:
    """The rows of `src` that count: in scope, in the unit's subtree, base filter, in some period."""
    model = src.model
    qs = scope(model._default_manager.all(), access, Action.VIEW)
    if crosses_to_many(model, scoped_models()[model]):
        qs = model._default_manager.filter(pk__in=qs.values("pk"))
    return qs.filter(
        _safe_q(model, src.base_filter),
        subtree_q(unit.path, via=src.org_lookup),
        segments.where(src.date_field),
    )


def _count_records(
    cells: _Cells,
    src: _Source,
    inds: list[Indicator],
    access: Access,
    unit: OrgUnit,
    segments: _Segments,
    child_len: int | None,
    dim: Dimension | None,
) -> None:
    base = _records(src, access, unit, segments)
    group = {"k_seg": segments.case(src.date_field)}
    if child_len is not None:
        group["k_slot"] = Substr(_path(src.org_lookup), 1, child_len)
    base = base.annotate(**group)
    dim_fields = dim.fields if dim else []
    if dim is not None and dim.year_lookup:
        _count_records_by_year(cells, src, inds, base, group, segments, child_len, dim)
        return

    additive = [i for i in inds if i.definition.additive]
    if additive:
        # A to-one breakdown (type, campaign) puts every record under exactly one member (records
        # without one under NO_MEMBER), so its query gives the totals too: the sum of the members.
        # A to-many breakdown's members overlap, so totals come from their own query. Filters never
        # join to-many relations (see _safe_q), so the breakdown's join is the only one that repeats
        # a record, once per member: per member group each record is one row, and sums are exact.
        # Counts say DISTINCT anyway, as a guard that costs little.
        many = dim is not None and crosses_to_many(src.model, dim.lookup)
        passes = [(dim, dim_fields, True)] if dim is not None and not many else []
        if not passes:
            passes = [(None, [], False), *([(dim, dim_fields, False)] if dim else [])]
        for d, fields, with_total in passes:
            exprs = {
                f"a{n}": src.aggregate(i, distinct_pk=many and d is not None) for n, i in enumerate(additive)
            }
            folds = [(f"a{n}", cells.sums[ind.code]) for n, ind in enumerate(additive)]
            for row in base.values(*group, *fields).annotate(**exprs).order_by():
                keys = [_member(cells, d, row, src.rt.model), *([_ALL] if with_total else [])]
                places = _places(segments, row, child_len, keys)
                for name, sums in folds:
                    number = row[name]
                    if number:
                        for place in places:
                            sums[place] += number

    by_field: dict[str, list[Indicator]] = defaultdict(list)
    for ind in inds:
        if not ind.definition.additive:
            by_field[ind.definition.field].append(ind)
    for distinct_field, group_inds in by_field.items():
        # One row per distinct value of the field per group; a value counts for an indicator when at
        # least one of its records (fact rows: at least one, as a fact row has n ≥ 1) matches the
        # indicator's filter. Sets then give exact distinct counts for every roll-up (periods,
        # totals, all members), which SQL sums could not.
        exprs = {f"a{n}": Count("pk", filter=src.filter(i)) for n, i in enumerate(group_inds)}
        rows = base.values(*group, *dim_fields, distinct_field).annotate(**exprs).order_by()
        folds = [(f"a{n}", cells.sets[ind.code]) for n, ind in enumerate(group_inds)]
        for row in rows:
            value = row[distinct_field]
            if value is None:
                continue
            keys = [_ALL] + ([_member(cells, dim, row, src.rt.model)] if dim else [])
            places = _places(segments, row, child_len, keys)
            for name, sets in folds:
                if row[name]:
                    for place in places:
                        sets[place].add(value)


def _count_stocks(
    cells: _Cells,
    rt: RecordType,
    inds: list[Indicator],
    access: Access,
    unit: OrgUnit,
    periods: list[Period],
    child_len: int | None,
    dim: Dimension | None,
) -> None:
    """Stocks (StockAt): one conditional aggregate per indicator and period (in force on the period's
    last day, or the indicator's `at`), all in one query per breakdown pass."""
    model = rt.model
    qs = scope(model._default_manager.all(), access, Action.VIEW)
    if crosses_to_many(model, scoped_models()[model]):
        qs = model._default_manager.filter(pk__in=qs.values("pk"))
    qs = qs.filter(_safe_q(model, rt.base_filter), subtree_q(unit.path, via=rt.org_lookup))
    group = {"k_slot": Substr(_path(rt.org_lookup), 1, child_len)} if child_len is not None else {}
    qs = qs.annotate(**group)
    many = dim is not None and crosses_to_many(model, dim.lookup)
    places: list[tuple[str, Indicator, int]] = []
    exprs_for: dict[bool, dict] = {True: {}, False: {}}
    distinct = [ind for ind in inds if not ind.definition.additive]
    if distinct:
        _count_distinct_stocks(cells, model, qs, group, distinct, periods, child_len, dim)
        inds = [ind for ind in inds if ind.definition.additive]
        if not inds:
            return
    for ind in inds:
        d = ind.definition
        for pidx, period in enumerate(periods):
            name = f"a{len(places)}"
            places.append((name, ind, pidx))
            cond = d.in_force(d.at or period.end) & _safe_q(model, d.filters)
            for distinct in (True, False):
                exprs_for[distinct][name] = (
                    Count("pk", filter=cond, distinct=distinct)
                    if d.fn == Fn.COUNT
                    else Sum(d.field, filter=cond)
                )
    if dim is not None and dim.year_lookup:
        # the member depends on the day counted: one column per year, each record once per group
        years = {name: (ind.definition.at or periods[pidx].end).year for name, ind, pidx in places}
        members = _yearly_members(model, dim, set(years.values()))
        rows = qs.annotate(**members).values(*group, *members).annotate(**exprs_for[False]).order_by()
        for row in rows:
            slots = [_TOTAL, *([row["k_slot"]] if child_len is not None else [])]
            for name, ind, pidx in places:
                number = row[name]
                if number:
                    key = _member_code(cells, dim, row[f"k_y{years[name]}"])
                    for slot in slots:
                        for k in (key, _ALL):
                            cells.sums[ind.code][(pidx, slot, k)] += number
        return
    dim_fields = dim.fields if dim else []
    passes = [(dim, dim_fields, True)] if dim is not None and not many else []
    if not passes:
        passes = [(None, [], False), *([(dim, dim_fields, False)] if dim else [])]
    for d, fields, with_total in passes:
        exprs = exprs_for[many and d is not None]
        for row in qs.values(*group, *fields).annotate(**exprs).order_by():
            keys = [_member(cells, d, row, model), *([_ALL] if with_total else [])]
            slots = [_TOTAL, *([row["k_slot"]] if child_len is not None else [])]
            for name, ind, pidx in places:
                number = row[name]
                if number:
                    for slot in slots:
                        for key in keys:
                            cells.sums[ind.code][(pidx, slot, key)] += number


def _count_distinct_stocks(cells, model, qs, group, inds, periods, child_len, dim) -> None:
    """Stocks counted by distinct `field` (StockAt count_distinct): one row per distinct value per
    group, with one conditional count per indicator and period; a value counts where at least one of
    its records is in force and matches. Sets give exact distinct counts for every roll-up."""
    if dim is not None and dim.year_lookup:
        raise ValueError(f"{dim.label}分组不支持去重计数")
    dim_fields = dim.fields if dim else []
    by_field: dict[str, list[Indicator]] = defaultdict(list)
    for ind in inds:
        by_field[ind.definition.field].append(ind)
    for distinct_field, group_inds in by_field.items():
        places: list[tuple[str, Indicator, int]] = []
        exprs = {}
        for ind in group_inds:
            d = ind.definition
            for pidx, period in enumerate(periods):
                name = f"a{len(places)}"
                places.append((name, ind, pidx))
                exprs[name] = Count("pk", filter=d.in_force(d.at or period.end) & _safe_q(model, d.filters))
        for row in qs.values(*group, *dim_fields, distinct_field).annotate(**exprs).order_by():
            value = row[distinct_field]
            if value is None:
                continue
            keys = [_ALL, *([_member(cells, dim, row, model)] if dim else [])]
            slots = [_TOTAL, *([row["k_slot"]] if child_len is not None else [])]
            for name, ind, pidx in places:
                if row[name]:
                    sets = cells.sets[ind.code]
                    for slot in slots:
                        for key in keys:
                            sets[(pidx, slot, key)].add(value)


def _yearly_members(model: type[models.Model], dim: Dimension, years: Iterable[int]) -> dict[str, Subquery]:
    """For a Dimension with `year_lookup`: per year, a column holding each record's member that year
    (the value of `lookup` on its related row of that year; NULL without one)."""
    relation, _, value = dim.lookup.partition("__")
    same, _, year_field = (dim.year_lookup or "").partition("__")
    if same != relation or not value or not year_field:
        raise ValueError(f"{dim.key}: lookup and year_lookup must start with the same relation")
    rel = model._meta.get_field(relation)
    related, back = rel.related_model, rel.field.name
    return {
        f"k_y{year}": Subquery(
            related._default_manager.filter(**{back: OuterRef("pk"), year_field: year})
            .order_by()
            .values(value)[:1]
        )
        for year in sorted(years)
    }


def _member_code(cells: _Cells, dim: Dimension, code) -> str:
    """A breakdown member read from a column (not a row of dim.fields), registered with its label."""
    if code is None:
        cells.keys.setdefault(NO_MEMBER, (dim.none_label, ()))
        return NO_MEMBER
    if code not in cells.keys:
        cells.keys[code] = dim.member({dim.lookup: code})
    return code


def _count_records_by_year(cells, src, inds, base, group, segments, child_len, dim) -> None:
    """Flows broken down by a Dimension with `year_lookup`: a record's member differs per period (the
    member of the period's year), so each row is placed period by period."""
    if any(not i.definition.additive for i in inds):
        raise ValueError(f"{dim.label}分组不支持去重计数")
    years = segments.years
    members = _yearly_members(src.model, dim, set(years))
    exprs = {f"a{n}": src.aggregate(i, distinct_pk=False) for n, i in enumerate(inds)}
    for row in base.annotate(**members).values(*group, *members).annotate(**exprs).order_by():
        slots = (_TOTAL, row["k_slot"]) if child_len is not None else (_TOTAL,)
        for pidx in segments.periods_of[row["k_seg"]]:
            key = _member_code(cells, dim, row[f"k_y{years[pidx]}"])
            for n, ind in enumerate(inds):
                number = row[f"a{n}"]
                if number:
                    sums = cells.sums[ind.code]
                    for slot in slots:
                        for k in (key, _ALL):
                            sums[(pidx, slot, k)] += number


def _path(org_lookup: str) -> str:
    """The lookup of the unit's tree path (the model may be OrgUnit itself: no lookup)."""
    return f"{org_lookup}__path" if org_lookup else "path"


def _member(cells: _Cells, dim: Dimension | None, row: dict, model: type[models.Model]) -> str | None:
    if dim is None:
        return _ALL
    if dim.via:
        ident = row[dim.via]
        if ident is None:
            cells.keys.setdefault(NO_MEMBER, (dim.none_label, ()))
            return NO_MEMBER
        code, label, order = cells.member_table(model, dim)[ident]
        if code not in cells.keys:
            cells.keys[code] = (label, order)
        return code
    code = row[dim.lookup]
    if code is None:
        cells.keys.setdefault(NO_MEMBER, (dim.none_label, ()))
        return NO_MEMBER
    if code not in cells.keys:
        cells.keys[code] = dim.member(row)
    return code


def _places(segments: _Segments, row: dict, child_len: int | None, keys: list) -> list[tuple]:
    """The cells (period index, slot, key) a row of a GROUP BY adds to: every period containing its
    segment, the whole subtree and (by child) its child's slot, and each of `keys`."""
    slots = (_TOTAL, row["k_slot"]) if child_len is not None else (_TOTAL,)
    return [(pidx, slot, key) for pidx in segments.periods_of[row["k_seg"]] for slot in slots for key in keys]


# --------------------------------------------------------------------------- numbers → values


class _ValueBuilder:
    def __init__(self, unit, children, record_types, dims, cells: _Cells, aggregates, all_records=False):
        self.unit = unit
        self.units = {unit.path: unit} | {c.path: c for c in children}
        self.record_types = record_types
        self.dims = dims
        self.cells = cells
        self.aggregates = aggregates  # code → the aggregate as counted (with `where` applied)
        self.all_records = all_records
        self._specs: dict[str, tuple[Any, bool, bool]] = {}  # code → _spec()

    def ind(self, code: str) -> Indicator:
        return self.aggregates.get(code) or indicator(code)

    def value(self, ind: Indicator, period: Period, pidx: int, slot: str, key, key_label) -> Value:
        number = self.number(ind, pidx, slot, key)
        share = None
        if slot != _TOTAL and self._spec(ind)[2]:
            total = self.number(ind, pidx, _TOTAL, key)
            share = float(number) / float(total) if total else None
        return Value._build(
            ind,
            period,
            self.unit if slot == _TOTAL else self.units[slot],
            number,
            slot == self.unit.path,
            key,
            key_label,
            share,
            partial(self.provenance, ind, period, slot, key),
        )

    def number(self, ind: Indicator, pidx: int, slot: str, key) -> Number | None:
        kind, integer, _ = self._specs.get(ind.code) or self._spec(ind)
        if kind is Ratio:
            d = ind.definition
            num = self.number(self.ind(d.numerator), pidx, slot, key)
            den = self.number(self.ind(d.denominator), pidx, slot, key)
            if num is None or not den:
                return None
            return float(num) / float(den) * d.scale
        if kind is Fn.COUNT_DISTINCT:
            return len(self.cells.sets[ind.code].get((pidx, slot, key), ()))
        number = self.cells.sums[ind.code].get((pidx, slot, key), 0)
        return int(number) if integer else number

    def _spec(self, ind: Indicator) -> tuple[Any, bool, bool]:
        """(Ratio, Fn.COUNT_DISTINCT or None; whether the number is an integer; whether a child's
        value gets its share of the total), once per indicator: thousands of values ask."""
        spec = self._specs.get(ind.code)
        if spec is None:
            d = ind.definition
            if isinstance(d, Ratio):
                spec = (Ratio, False, False)
            else:
                spec = (
                    Fn.COUNT_DISTINCT if d.fn == Fn.COUNT_DISTINCT else None,
                    _is_integer(self.record_types[d.record], d),
                    isinstance(d, (Aggregate, StockAt)) and d.additive,
                )
            self._specs[ind.code] = spec
        return spec

    def provenance(self, ind: Indicator, period: Period, slot: str, key) -> str | None:
        ind = self.ind(ind.code)
        d = ind.definition
        if isinstance(d, Ratio):
            num = self.provenance(self.ind(d.numerator), period, slot, key)
            return num if num == self.provenance(self.ind(d.denominator), period, slot, key) else None
        rt = self.record_types[d.record]
        conditions = d.conditions()
        if rt.link is None or conditions is None:
            return None
        if key is not _ALL:
            dim = self.dims[d.record]
            choices = conditions.pop(f"{dim.lookup}__in", None)
            if choices is not None and (key == NO_MEMBER or key not in choices):
                return None  # the member is outside the indicator's choices: the figure is 0
            member = {f"{dim.lookup}__isnull": True} if key == NO_MEMBER else {dim.lookup: key}
            if dim.year_lookup:  # the member of the period's year (a stock's: of its day)
                day = (d.at or period.end) if isinstance(d, StockAt) else period.end
                member[dim.year_lookup] = day.year
            for lookup, value in member.items():
                if conditions.get(lookup, value) != value:
                    return None  # contradictory: the figure is 0 and no list shows "both"
                conditions[lookup] = value
        unit = self.unit if slot == _TOTAL else self.units[slot]
        at = (d.at or period.end) if isinstance(d, StockAt) else None  # a stock lists what is in force then
        return rt.link(LinkTarget(period, unit, slot == self.unit.path, conditions, self.all_records, at))


def _is_integer(rt: RecordType, agg: Aggregate | StockAt) -> bool:
    """Integers stay integers (PostgreSQL sums bigint columns as numeric, i.e. Decimal)."""
    return agg.fn == Fn.COUNT or isinstance(_target_field(rt.model, agg.field), models.IntegerField)


def _target_field(model: type[models.Model], path: str | None) -> models.Field | None:
    f = None
    for part in (path or "").split("__"):
        if not part:
            return None
        f = model._meta.get_field(part)
        if f.is_relation:
            model = f.related_model
    return f
