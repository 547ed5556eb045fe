"""The fact-check: every figure of a draft text, mapped to an indicator where it can be, computed by the
engine for the unit and period, and judged against how it is written ("2000多" fits 2,134, not 1,980).

    result = check_text(access=access, text=draft, unit=unit, period="2024")
    for claim in result.claims: claim.verdict, claim.computed, claim.provenance, claim.reason

Figures come from `kexie.core.numbers.find_numbers` (the same module that phrases generated reports),
less what is not a figure to check (ordinals in names, page chrome, slogans: `is_figure`); the mapping
from `mapping.py`, reading the words each indicator declares (`Indicator.words`); every value from one
`evaluate()` call per breakdown the claims use (most texts: one call). Nothing is stored: a check is a
read. `map_text` is the same reading without any records (the `factcheck` command without a unit).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from kexie.activities.selectors import campaign_choices
from kexie.core.errors import DomainError
from kexie.core.numbers import Found, fits, phrase, phrase_percent
from kexie.core.periods import Period, PeriodError
from kexie.core.uploads import sniff_file_type
from kexie.indicators.engine import evaluate
from kexie.indicators.registry import (
    Aggregate,
    Indicator,
    LinkTarget,
    StockAt,
    indicator,
    indicators,
    record_type,
)
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, get_in_scope, scope, subtree_q
from kexie.reports.factcheck.mapping import Mapping, Reader, UnitName, Vocabulary, read_figures

MAX_CHARS = 100_000
MAX_DOCX_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
_STYLES = ("多", "余", "近", "约", "达")


class Verdict(StrEnum):
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    UNCHECKED = "unchecked"

    @property
    def label(self) -> str:
        return {"consistent": "一致", "inconsistent": "不一致", "unchecked": "无法核对"}[self.value]


@dataclass
class Claim:
    """One figure of the text and what the check made of it."""

    number: int
    found: Found
    mapping: Mapping
    verdict: Verdict = Verdict.UNCHECKED
    reason: str = ""
    indicator: Indicator | None = None
    value: int | float | Decimal | None = None
    provenance: str | None = None
    computed: str = ""  # the value as reports write it exactly
    suggestion: str = ""  # the value written the way the claim is written (for a wrong figure)

    @property
    def text(self) -> str:
        return self.found.text

    @property
    def period(self) -> Period | None:
        return self.mapping.period

    @property
    def allowed(self) -> str:
        """The values the claim allows, in words: 大于2000、小于3000."""
        q = self.found.quantity
        if q is None:
            return ""
        exact = q.low is not None and q.high is not None and q.low_inclusive and not q.high_inclusive
        if exact and q.high - q.low == 1 and q.low == q.low.to_integral_value() and q.unit != "%":
            return f"恰好{_num(q.low)}{q.unit}"
        parts = []
        if q.low is not None:
            parts.append(("不少于" if q.low_inclusive else "大于") + _num(q.low))
        if q.high is not None:
            parts.append(("不超过" if q.high_inclusive else "小于") + _num(q.high))
        return "、".join(parts) + q.unit


@dataclass
class CheckResult:
    text: str
    unit: OrgUnit
    period: Period
    claims: list[Claim]
    markers: list[Found]
    counts: dict[str, int] = field(default_factory=dict)

    def segments(self) -> list[tuple[str, Claim | None]]:
        """The text cut into plain pieces and claims, in order, for rendering with highlights."""
        out: list[tuple[str, Claim | None]] = []
        pos = 0
        for claim in self.claims:
            if claim.found.start > pos:
                out.append((self.text[pos : claim.found.start], None))
            out.append((claim.text, claim))
            pos = claim.found.end
        if pos < len(self.text):
            out.append((self.text[pos:], None))
        return out


def _num(d: Decimal) -> str:
    return format(d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1)), ",")


def _phrase_value(value, unit: str, style: str = "exact", *, scale=None) -> str:
    if unit == "%":
        return phrase_percent(value, is_percent=True)
    try:
        return phrase(value, unit, style if value else "exact", scale=scale)
    except ValueError:
        return phrase(value, unit)


def _missing_member_link(
    ind: Indicator, period: Period, unit: OrgUnit, dimension: str, key: str
) -> str | None:
    """The records link of a breakdown member that has no records in the period (the engine lists only
    the members it found): the same list page, filtered to the member."""
    d = ind.definition
    if not isinstance(d, (Aggregate, StockAt)):
        return None
    rt = record_type(d.record)
    conditions = d.conditions()
    if rt.link is None or conditions is None:
        return None
    lookup = rt.dimension(dimension).lookup
    return rt.link(LinkTarget(period, unit, False, {**conditions, lookup: key}))


def _vocabulary(access: Access | None) -> Vocabulary:
    """The words of every declared indicator, with the names of the campaigns the user may see."""
    extra: dict[str, list[str]] = {}
    if access is not None:
        for code, name in campaign_choices(access=access).values_list("code", "name"):
            extra.setdefault(code, []).append(name)
    return Vocabulary(indicators(), {"campaign": extra})


def _unit_names(access: Access, unit: OrgUnit) -> list[UnitName]:
    """Names of the unit and of the units up to two levels below it, as texts write them: full name,
    short name, and "科协" for "科学技术协会"; longest first so "桐城市科协" wins over "桐城市"."""
    rows = scope(OrgUnit.objects.all(), access, Action.VIEW).filter(
        subtree_q(unit.path), depth__lte=unit.depth + 2
    )
    out: dict[str, UnitName] = {}
    for u in rows.only("pk", "name", "short_name", "depth", "path"):
        kind = "self" if u.pk == unit.pk else "child" if u.depth == unit.depth + 1 else "deeper"
        for name in {u.name, u.short_name, u.name.replace("科学技术协会", "科协")} - {""}:
            if len(name) >= 3:
                out.setdefault(name, UnitName(name, kind, u.pk))
    return sorted(out.values(), key=lambda n: -len(n.name))


def check_text(
    *, access: Access, text: str, period: Period | str | int, unit: OrgUnit | None = None
) -> CheckResult:
    """Find, map, compute and judge every figure of `text` for `unit`'s subtree (default: the active
    unit). `period` is the report's period (a year such as 2024, or a span such as 2020..2024):
    figures whose text states no period are checked for it, and 今年/五年来/十四五以来 are read
    against its last year."""
    if not text or not text.strip():
        raise DomainError("请粘贴要核对的文字，或上传 .docx 文件。", field="text")
    if len(text) > MAX_CHARS:
        raise DomainError(f"文字过长（{len(text)}字），一次最多核对{MAX_CHARS}字，请分段核对。", field="text")
    unit = unit or access.unit
    if unit is None:
        raise DomainError("没有可用的单位。")
    unit = get_in_scope(OrgUnit.objects.all(), access, Action.VIEW, pk=unit.pk)
    if isinstance(period, int):
        period = Period.year(period)
    try:
        period = Period.parse(period)
    except PeriodError as exc:
        raise DomainError(exc.message, field="period") from None

    claims, markers = _read(text, period, _vocabulary(access), _unit_names(access, unit))
    mapped = [c for c in claims if c.mapping.indicator]
    by_breakdown: dict[str | None, list[Claim]] = {}
    for claim in mapped:  # one engine call per breakdown dimension the claims use
        by_breakdown.setdefault(claim.mapping.breakdown, []).append(claim)
    for breakdown, group in by_breakdown.items():
        result = evaluate(
            access=access,
            indicators=sorted({c.mapping.indicator for c in group}),
            periods=sorted({c.mapping.period for c in group}),
            unit=unit,
            by="child" if any(c.mapping.child or c.mapping.own_only for c in group) else "total",
            breakdown=breakdown,
        )
        for claim in group:
            _judge(claim, result, unit)
    counts = {v.value: sum(1 for c in claims if c.verdict == v) for v in Verdict}
    return CheckResult(text=text, unit=unit, period=period, claims=claims, markers=markers, counts=counts)


def _read(
    text: str, period: Period, vocabulary: Vocabulary, units: list[UnitName]
) -> tuple[list[Claim], list[Found]]:
    figures, markers = read_figures(text)
    mappings = Reader(text, figures, markers, period, vocabulary, units).map_all()
    claims = [
        Claim(number=i + 1, found=f, mapping=m, reason=m.reason)
        for i, (f, m) in enumerate(zip(figures, mappings, strict=True))
    ]
    return claims, markers


def map_text(*, text: str, period: Period | str | int) -> list[Claim]:
    """Every figure of `text` mapped to an indicator and period where it can be, without computing
    anything (every verdict "unchecked"; needs no records and no user: the batch command without a
    unit). Units named in the text are not resolved."""
    if isinstance(period, int):
        period = Period.year(period)
    try:
        period = Period.parse(period)
    except PeriodError as exc:
        raise DomainError(exc.message, field="period") from None
    if len(text) > MAX_CHARS:
        raise DomainError(f"文字过长（{len(text)}字），一次最多核对{MAX_CHARS}字，请分段核对。", field="text")
    claims, _ = _read(text, period, _vocabulary(None), [])
    for claim in claims:
        if claim.mapping.indicator:
            claim.indicator = indicator(claim.mapping.indicator)
            claim.reason = "未指定单位，只识别指标和期间，没有按记录计算。"
    return claims


def _judge(claim: Claim, result, unit: OrgUnit) -> None:
    m = claim.mapping
    ind = indicator(m.indicator)
    claim.indicator = ind
    try:
        if m.own_only:
            value = result.own(ind.code, m.period, key=m.key)
        else:
            value = result.value(ind.code, m.period, child=m.child, key=m.key)
    except LookupError:  # a breakdown member without records in the period: the figure is 0
        target = unit if m.child is None else next(c for c in result.children if c.pk == m.child)
        number, link = 0, _missing_member_link(ind, m.period, target, m.breakdown, m.key)
    else:
        number, link = value.value, value.provenance
    claim.value, claim.provenance = number, link
    if number is None:
        claim.verdict = Verdict.UNCHECKED
        claim.reason = f"“{ind.name}”在{m.period.label}无法计算（没有可作分母的记录）。"
        return
    claim.computed = _phrase_value(number, ind.unit)
    if fits(claim.found.quantity, number):
        claim.verdict = Verdict.CONSISTENT
        return
    claim.verdict = Verdict.INCONSISTENT
    q = claim.found.quantity
    style = q.qualifier if q.qualifier in _STYLES else "exact"
    scale = "auto" if any(s in claim.text for s in ("万", "亿")) else None
    claim.suggestion = _phrase_value(number, ind.unit, style, scale=scale)


# --------------------------------------------------------------------------- .docx input


def read_docx(upload) -> str:
    """The text of an uploaded .docx: paragraphs and table rows in document order (cells of a row
    separated by tabs, a blank line between paragraphs). Refuses what is not a plain .docx."""
    import docx
    from docx.table import Table

    name = getattr(upload, "name", "") or "文件"
    if not upload.size:
        raise DomainError(f"“{name}”是空文件。", field="upload")
    if upload.size > MAX_DOCX_BYTES:
        raise DomainError(
            f"“{name}”过大（{upload.size / 1048576:.1f} MB），上限为 {MAX_DOCX_BYTES // 1048576} MB。",
            field="upload",
        )
    if sniff_file_type(upload) != "docx":
        raise DomainError(
            f"“{name}”不是有效的 Word 文档（.docx）。旧版 .doc 请在 Word 或 WPS 中另存为 .docx；含宏的文档不能上传。",
            field="upload",
        )
    try:
        with zipfile.ZipFile(upload) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_DOCX_UNCOMPRESSED:
                raise DomainError("文件解压后体积异常巨大，已拒绝（可能是恶意文件）。", field="upload")
        upload.seek(0)
        document = docx.Document(upload)
        blocks: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = []
                for row in block.rows:
                    cells, seen = [], set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell repeats in every column it spans
                            continue
                        seen.add(id(cell._tc))
                        cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
                    rows.append("\t".join(cells))
                blocks.append("\n".join(rows))
            elif block.text.strip():
                blocks.append(block.text.strip())
    except DomainError:
        raise
    except Exception:  # any parse failure of a damaged file means the same to the user
        raise DomainError(f"“{name}”已损坏，无法作为 Word 文档打开。", field="upload") from None
    finally:
        upload.seek(0)
    text = "\n\n".join(blocks)
    if not text.strip():
        raise DomainError(f"“{name}”中没有文字。", field="upload")
    return text
