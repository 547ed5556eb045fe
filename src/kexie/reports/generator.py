"""Generating a report draft: the template plans the engine calls, the sections phrase the values.

    draft = generate(access, "annual", unit, "2024")
    draft.plain_text()      # the text a reader (or the fact-checker) sees
    draft.figures()         # every figure with indicator, period, unit, value, provenance, record count

Every figure comes from `kexie.indicators.engine.evaluate()` — at most two calls per report: one at
the unit (by child, all periods the template compares, optional breakdown) and, when the user may see
the unit's parent, one at the parent (by child) for the unit's share of the parent's total and its rank
among the siblings. Numbers are phrased only with `kexie.core.numbers`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kexie.core.errors import DomainError
from kexie.core.numbers import phrase, phrase_growth, phrase_percent, phrase_pp_change
from kexie.core.periods import Period, PeriodError
from kexie.indicators.engine import Result, Value, evaluate
from kexie.indicators.registry import Aggregate, Fn, Indicator, Ratio, StockAt, indicator, indicators
from kexie.orgs.models import OrgType, OrgUnit
from kexie.orgs.scoping import Access, Action
from kexie.orgs.selectors import orgunit_ancestors, orgunit_get
from kexie.reports import registry
from kexie.reports.document import SCHEMA, Draft, iter_figures, text_span

_PLAN_KEY = object()  # "the breakdown member of the report" (default of the key arguments)


class UndeclaredIndicator(RuntimeError):
    """A section asked for an indicator its template does not evaluate (see registry.Section.uses)."""


def noun(code: str) -> str:
    """What reports call an indicator's figure: the noun of its declared words (one declaration for the
    generator and the fact-check), else its name."""
    ind = indicator(code)
    return ind.words.noun if ind.words is not None and ind.words.noun else ind.name


CN_ORDINALS = "一二三四五六七八九十"

# Counts of the records behind a sum over *all* records of a type, where no single count indicator
# has the same (empty) filter: the held activities are exactly the 科普 ones plus the 学术 ones.
_PARTITIONS = {"activity": ("popsci_activities", "academic_activities")}


# --------------------------------------------------------------------------- record counts


def count_codes(ind: Indicator) -> tuple[str, ...]:
    """The count indicator(s) whose sum is the number of records behind a figure of `ind`.

    A count is its own record count; a sum or distinct count is backed by the count with the same
    record type and filters; a ratio by its denominator's records. The counts are evaluated in the
    same engine call as the figures, so the appendix's record counts come from the engine too.
    """
    d = ind.definition
    if isinstance(d, Ratio):
        return count_codes(indicator(d.denominator))
    if isinstance(d, StockAt) and d.fn == Fn.COUNT:
        return (ind.code,)  # a count of records in force is its own record count (issue 10)
    if isinstance(d, StockAt):  # a distinct count of records in force: the count of the same records
        for other in indicators():
            od = other.definition
            if (
                isinstance(od, StockAt)
                and od.fn == Fn.COUNT
                and (od.record, od.filters, od.valid_from, od.valid_to, od.at, od.to_inclusive)
                == (d.record, d.filters, d.valid_from, d.valid_to, d.at, d.to_inclusive)
            ):
                return (other.code,)
        raise LookupError(f"{ind.code}: no count indicator backs it; declare one")
    if not isinstance(d, Aggregate):
        raise LookupError(f"{ind.code}: no record count for {type(d).__name__}")
    if d.fn == Fn.COUNT:
        return (ind.code,)
    for other in indicators():
        od = other.definition
        if (
            isinstance(od, Aggregate)
            and od.fn == Fn.COUNT
            and od.record == d.record
            and od.filters == d.filters
        ):
            return (other.code,)
    if not d.filters and d.record in _PARTITIONS:
        return _PARTITIONS[d.record]
    raise LookupError(f"{ind.code}: no count indicator backs it; declare one or a partition")


# --------------------------------------------------------------------------- phrasing


def _number(value) -> int | float:
    """JSON-safe number: ints stay ints, Decimals and floats become floats."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return float(value)


def quantity_phrasing(value, unit: str) -> dict:
    """How a report writes an indicator's value: exact below 1000, otherwise rounded to two
    significant digits with 多 ("2100多场次"), or with 近 when it is within 2 % under the round number
    ("近250万人次"); percentages as "12.5%"; non-integral values with one decimal."""
    if unit == "%":
        return {"fn": "percent"}
    word = unit.split("/")[0]  # 人次/场 → 人次
    if isinstance(value, float) or (isinstance(value, Decimal) and value != value.to_integral_value()):
        return {"fn": "phrase", "unit": word, "style": "exact", "decimals": 1}
    v = int(value)
    if v < 1000:
        return {"fn": "phrase", "unit": word, "style": "exact"}
    p = 10 ** (len(str(v)) - 2)
    if v % p == 0:
        return {"fn": "phrase", "unit": word, "style": "exact", "scale": "auto" if v >= 10_000 else ""}
    rounded_up = (v // p + 1) * p
    style = "近" if v >= rounded_up * 0.98 else "多"
    return {"fn": "phrase", "unit": word, "style": style, "precision": p}


def render_phrasing(phrasing: dict, value) -> str:
    """The text of `value` under a stored phrasing (see `quantity_phrasing`)."""
    fn = phrasing["fn"]
    if fn == "percent":
        return phrase_percent(value, is_percent=phrasing.get("is_percent", True))
    if fn == "growth":
        return phrase_growth(value)
    if fn == "pp":
        return phrase_pp_change(value, is_percent=True)
    if fn == "rank":
        return f"第{value}位"
    args = {k: v for k, v in phrasing.items() if k in ("style", "precision", "scale", "decimals")}
    return phrase(value, phrasing.get("unit", ""), **args)


# --------------------------------------------------------------------------- the writer


def area_word(unit: OrgUnit) -> str:
    """How a report names the unit's territory: 全省, 全市, 全县, 全区 …; 本单位 for non-territorial units."""
    if unit.org_type not in (OrgType.NATIONAL, OrgType.PROVINCIAL, OrgType.MUNICIPAL, OrgType.COUNTY):
        return "全镇" if unit.name.rstrip("科协").endswith("镇") else "本单位"
    if unit.org_type == OrgType.NATIONAL:
        return "全国"
    name = unit.name
    for suffix in ("科学技术协会", "科协"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    last = name[-1:] if name else ""
    return "全" + last if last in "省市县区旗州盟" and last else "全系统"


class Writer:
    """What a section sees: the engine's results for the report and helpers that turn values into
    figure spans and paragraphs. Figures for missing data are None, and a clause holding a None is
    dropped, so a sentence never says "0" or "N/A" where data do not exist."""

    def __init__(self, access: Access, tmpl: registry.ReportTemplate, unit: OrgUnit, period: Period, options):
        self.access = access
        self.template = tmpl
        self.unit = unit
        self.period = period
        self.options = options
        self.plan = tmpl.plan(period, options)
        self.area = area_word(unit)
        wanted = list(tmpl.indicators)
        counts = [c for code in wanted for c in count_codes(indicator(code))]
        self.result: Result = evaluate(
            access=access,
            indicators=list(dict.fromkeys(wanted + counts)),
            periods=list(self.plan.periods),
            unit=unit,
            by="child",
            breakdown=self.plan.breakdown,
        )
        self.parent: OrgUnit | None = None
        self.parent_result: Result | None = None
        if tmpl.parent_indicators and unit.depth > 1:
            # The comparison with the siblings is only written for a user who may see the parent:
            # otherwise the clause is left out (never a figure from outside the user's scope).
            visible = orgunit_ancestors(access=access, unit=unit)
            parent = visible[-1] if visible and visible[-1].depth == unit.depth - 1 else None
            if parent is not None and access.covers(parent, Action.VIEW):
                pcodes = list(tmpl.parent_indicators)
                pcounts = [c for code in pcodes for c in count_codes(indicator(code))]
                self.parent = parent
                self.parent_result = evaluate(
                    access=access,
                    indicators=list(dict.fromkeys(pcodes + pcounts)),
                    periods=[period],
                    unit=parent,
                    by="child",
                    breakdown=self.plan.breakdown,
                )

    # ----------------------------------------------------------------- raw values

    @property
    def key(self) -> str | None:
        return self.plan.key

    def _key(self, key) -> str | None:
        return self.plan.key if key is _PLAN_KEY else key

    def value(
        self, code: str, period: Period | None = None, *, child=None, own=False, key=_PLAN_KEY
    ) -> Value:
        self._declared(code)
        period = period or self.period
        if own:
            return self.result.own(code, period, key=self._key(key))
        return self.result.value(code, period, child, key=self._key(key))

    def _declared(self, code: str) -> None:
        if code not in self.template.indicators:
            # a programming error, not missing data: it must not be swallowed as "no figure"
            raise UndeclaredIndicator(
                f"report template {self.template.key!r} phrases {code!r}, which none of its sections "
                "declares in `indicators` or `uses`"
            )

    def number(self, code: str, period: Period | None = None, **kw):
        """The bare number (None when there is no data), for conditions in the sections."""
        try:
            return self.value(code, period, **kw).value
        except LookupError:  # a breakdown member with no records at all in this result
            return None

    def has_data(self, codes, period: Period | None = None) -> bool:
        return any(self.number(code, period) for code in codes)

    def children(self) -> list[OrgUnit]:
        return list(self.result.children)

    # ----------------------------------------------------------------- figures

    def _count(self, result: Result, ind: Indicator, period: Period, slot: dict, key) -> int:
        total = 0
        for code in count_codes(ind):
            try:
                v = (
                    result.own(code, period, key=key)
                    if slot.get("own")
                    else result.value(code, period, slot.get("child"), key=key)
                )
            except LookupError:
                continue
            total += int(v.value or 0)
        return total

    def _figure(
        self,
        kind: str,
        v: Value,
        number,
        phrasing: dict,
        *,
        result: Result,
        child=None,
        own=False,
        key=None,
        extra: dict[str, Any] | None = None,
    ) -> dict:
        ind = v.indicator
        fig = {
            "kind": kind,
            "code": ind.code,
            "name": ind.name,
            "unit_of_measure": ind.unit,
            "period": str(v.period),
            "period_label": v.period.label,
            "unit_id": v.unit.pk,
            "unit_name": v.label,
            "own": own,
            "breakdown": self.plan.breakdown if key is not None else None,
            "key": key,
            "key_label": v.key_label,
            "value": _number(number),
            "phrasing": phrasing,
            "text": render_phrasing(phrasing, number),
            "href": v.provenance,
            "count_codes": list(count_codes(ind)),
            "count": self._count(result, ind, v.period, {"child": child, "own": own}, key),
        }
        fig.update(extra or {})
        return {"figure": fig}

    def fig(
        self,
        code: str,
        period: Period | None = None,
        *,
        child: OrgUnit | None = None,
        own: bool = False,
        key=_PLAN_KEY,
        tabular: bool = False,
    ) -> dict | None:
        """The engine's value as a figure span ("2100多场次"); None when there is no data.

        `tabular` writes the exact number without its unit (the column header carries it)."""
        key = self._key(key)
        try:
            v = self.value(code, period, child=child, own=own, key=key)
        except LookupError:
            return None
        if v.value is None or (not v.value and not tabular):
            return None
        unit = v.indicator.unit
        if tabular:
            phrasing = {"fn": "percent"} if unit == "%" else {"fn": "phrase", "unit": "", "style": "exact"}
            if unit != "%" and not isinstance(_number(v.value), int):
                phrasing["decimals"] = 1
        else:
            phrasing = quantity_phrasing(v.value, unit)
        return self._figure("value", v, v.value, phrasing, result=self.result, child=child, own=own, key=key)

    def growth(
        self, code: str, period: Period, base: Period, *, key=_PLAN_KEY, base_key=_PLAN_KEY
    ) -> dict | None:
        """Relative change vs `base` ("增长12.3%", "下降5%", "持平"); None without a base value."""
        key, base_key = self._key(key), self._key(base_key)
        cur, prev = self.number(code, period, key=key), self.number(code, base, key=base_key)
        if cur is None or not prev:
            return None
        rate = (float(cur) - float(prev)) / float(prev)
        v = self.value(code, period, key=key)
        extra = {"base_period": str(base), "base_period_label": base.label, "base_key": base_key}
        return self._figure("growth", v, rate, {"fn": "growth"}, result=self.result, key=key, extra=extra)

    def pp(self, code: str, period: Period, base: Period) -> dict | None:
        """Change of a percentage indicator in percentage points ("提高2.4个百分点")."""
        cur, prev = self.number(code, period), self.number(code, base)
        if cur is None or prev is None:
            return None
        v = self.value(code, period)
        extra = {"base_period": str(base), "base_period_label": base.label, "base_key": self.key}
        delta = float(cur) - float(prev)
        return self._figure("pp", v, delta, {"fn": "pp"}, result=self.result, key=self.key, extra=extra)

    def share(self, code: str, child: OrgUnit, period: Period | None = None, *, own=False) -> dict | None:
        """A child's (or the unit's own records') share of the unit's total ("12.5%")."""
        try:
            v = self.value(code, period, child=None if own else child, own=own)
        except LookupError:
            return None
        if v.share is None or not v.value:
            return None
        extra = {"parent_id": self.unit.pk, "parent_name": self.unit.name}
        return self._figure(
            "share", v, v.share * 100, {"fn": "percent"}, result=self.result, child=child, own=own,
            key=self.key, extra=extra,
        )  # fmt: skip

    def parent_share(self, code: str) -> dict | None:
        """The unit's share of its parent's total, when the parent is in the user's scope."""
        if self.parent_result is None:
            return None
        v = self.parent_result.value(code, self.period, self.unit, key=self.key)
        if v.share is None or not v.value:
            return None
        extra = {"parent_id": self.parent.pk, "parent_name": self.parent.name}
        return self._figure(
            "share", v, v.share * 100, {"fn": "percent"}, result=self.parent_result, child=self.unit,
            key=self.key, extra=extra,
        )  # fmt: skip

    def parent_rank(self, code: str) -> dict | None:
        """The unit's place among its parent's children ("第3位"), when the parent is in scope.
        Competition ranking: 1 + the number of siblings with a strictly larger value."""
        if self.parent_result is None:
            return None
        mine = self.parent_result.value(code, self.period, self.unit, key=self.key)
        if not mine.value:
            return None
        others = [r.value or 0 for r in self.parent_result.ranking(code, self.period, key=self.key)]
        rank = 1 + sum(1 for x in others if x > mine.value)
        extra = {
            "parent_id": self.parent.pk,
            "parent_name": self.parent.name,
            "siblings": len(others),
            "ranked_value": _number(mine.value),
        }
        return self._figure(
            "rank", mine, rank, {"fn": "rank"}, result=self.parent_result, child=self.unit, key=self.key,
            extra=extra,
        )  # fmt: skip

    def ranking(self, code: str, period: Period | None = None) -> list[Value]:
        """The unit's children with data for `code`, largest first."""
        self._declared(code)
        rows = self.result.ranking(code, period or self.period, key=self.key)
        return [r for r in rows if r.value]

    # ----------------------------------------------------------------- blocks

    def para(self, *parts) -> dict | None:
        """A paragraph from strings, figure spans and clauses (tuples/lists of parts).

        A clause containing a None (a figure without data) is dropped as a whole; a None outside a
        clause drops the paragraph. Returns None when nothing with a figure is left."""
        spans: list[dict] = []

        def add(part, into: list[dict]) -> bool:
            if part is None:
                return False
            if isinstance(part, str):
                if part:
                    into.append(text_span(part))
                return True
            if isinstance(part, dict):
                into.append(part)
                return True
            clause: list[dict] = []
            if all(add(p, clause) for p in part):
                into.extend(clause)
            return True

        for part in parts:
            if not add(part, spans):
                return None
        if not any("figure" in s for s in spans):
            return None
        merged: list[dict] = []
        for span in spans:  # neighbouring text runs become one
            if "text" in span and merged and "text" in merged[-1]:
                merged[-1] = text_span(merged[-1]["text"] + span["text"])
            else:
                merged.append(span)
        return {"kind": "paragraph", "spans": merged}

    def table(self, caption: str, header: list[str], rows: list[list]) -> dict | None:
        rows = [[text_span(c) if isinstance(c, str) else (c or text_span("—")) for c in row] for row in rows]
        if not rows:
            return None
        return {"kind": "table", "caption": caption, "header": header, "rows": rows}

    @staticmethod
    def listing(items: list) -> list:
        """Parts joined the Chinese way: a、b和c."""
        out: list = []
        for i, item in enumerate(items):
            if i:
                out.append("和" if i == len(items) - 1 else "、")
            out.append(item)
        return out


# --------------------------------------------------------------------------- generate


def _number_blocks(body: dict) -> None:
    for i, block in enumerate(body["blocks"], start=1):
        block["id"] = f"b{i}"
    for i, fig in enumerate(iter_figures(body), start=1):
        fig["id"] = f"f{i}"


def generate(
    access: Access,
    template_key: str,
    unit: OrgUnit | int | None,
    period: Period | str,
    *,
    options: dict | None = None,
) -> Draft:
    """Generate the draft of report `template_key` for `unit` (in the caller's scope) and `period`.

    Raises DomainError (Chinese message) for a bad period or when no section has data, Http404 when
    the unit is outside the caller's scope.
    """
    tmpl = registry.template(template_key)
    try:
        period = Period.parse(period)
    except PeriodError as exc:
        raise DomainError(exc.message, field="period") from None
    tmpl.check_period(period)
    if unit is None:
        unit = access.unit
    pk = unit.pk if isinstance(unit, OrgUnit) else unit
    unit = orgunit_get(access=access, pk=pk)
    options = tmpl.clean_options(access, period, dict(options or {}))
    w = Writer(access, tmpl, unit, period, options)
    blocks: list[dict] = []
    omitted: list[str] = []
    for section in tmpl.sections:
        # A section with indicators is written only when one of them has data; one without indicators
        # (the facts register) decides itself by returning no block.
        data = not section.indicators or w.has_data(section.indicators)
        written = [b for b in section.write(w) if b] if data else []
        if not written:
            omitted.append(section.title)
            continue
        number = CN_ORDINALS[len([b for b in blocks if b["kind"] == "heading"])]
        blocks.append({"kind": "heading", "level": 1, "text": f"{number}、{section.title}"})
        blocks.extend(written)
    if not blocks:
        raise DomainError(
            f"{unit.name}在{period.label}没有可用于“{tmpl.name}”的数据（已办活动等记录），无法生成报告。"
            "请先录入或导入活动记录，或换一个期间。",
            field="period",
        )
    body = {"schema": SCHEMA, "title": tmpl.title(w), "blocks": blocks}
    _number_blocks(body)
    return Draft(
        template=tmpl.key,
        unit_id=unit.pk,
        unit_name=unit.name,
        period=str(period),
        options=options,
        body=body,
        omitted=omitted,
    )
