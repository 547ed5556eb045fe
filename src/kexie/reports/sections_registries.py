"""Report sections for 阵地与平台 (issue 10): designations in force and newly granted, for the annual and
the five-year templates. Every figure comes from the engine through the `Writer`; a section with no
designation at all is left out by the generator (its `Section.indicators` are all 0).

Hooked into the annual and five-year templates in kexie.reports.catalogue (after 学术交流). Each declares
the indicators it phrases (`uses=REGISTRY_INDICATORS`), so the template evaluates them in its one engine call.
"""

from __future__ import annotations

from kexie.core.periods import Period
from kexie.registries.programmes import BUILT_IN
from kexie.reports.generator import CN_ORDINALS, Writer
from kexie.reports.registry import Section

# (programme code, the name reports use), in the order reports list them
PROGRAMMES = tuple((p["code"], p["name"]) for p in BUILT_IN)
LEVELS = (("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"), ("county", "县级"))
BY_LEVEL = "popsci_base"  # the programme whose stock reports split by level

REGISTRY_INDICATORS: tuple[str, ...] = (
    "designations",
    "designations_new",
    *(f"reg_{code}" for code, _ in PROGRAMMES),
    *(f"reg_{code}_new" for code, _ in PROGRAMMES),
    *(f"reg_{BY_LEVEL}_{level}" for level, _ in LEVELS),
)


def _join(w: Writer, pairs: list[tuple[str, dict | None]], sep: str = "、") -> list | None:
    """ "科普教育基地36个、院士专家工作站84个": the pairs with a figure, joined; None when none has one."""
    done = [(name, fig) for name, fig in pairs if fig is not None]
    if not done:
        return None
    out: list = []
    for i, (name, fig) in enumerate(done):
        if i:
            out.append(sep)
        out.extend([name, fig])
    return out


def _stock_clause(w: Writer, period: Period | None = None) -> list | None:
    return _join(w, [(name, w.fig(f"reg_{code}", period)) for code, name in PROGRAMMES])


def _new_clause(w: Writer, period: Period | None = None) -> list | None:
    return _join(w, [(name, w.fig(f"reg_{code}_new", period)) for code, name in PROGRAMMES])


def _levels_clause(w: Writer, period: Period | None = None) -> list | None:
    return _join(w, [(word, w.fig(f"reg_{BY_LEVEL}_{level}", period)) for level, word in LEVELS])


def _table(w: Writer, caption: str, period: Period | None, stock_head: str, new_head: str) -> dict | None:
    rows = []
    for code, name in PROGRAMMES:
        stock = w.fig(f"reg_{code}", period, tabular=True)
        new = w.fig(f"reg_{code}_new", period, tabular=True)
        if w.number(f"reg_{code}", period) or w.number(f"reg_{code}_new", period):
            rows.append([name, stock, new])
    if not rows:
        return None
    return w.table(caption, ["称号/平台", stock_head, new_head], rows)


def annual_sites(w: Writer) -> list:
    """年末有效的称号与平台（分项目）、科普教育基地分级、全年新认定，和一张分项目表。"""
    y = w.period
    stock, levels, new = _stock_clause(w), _levels_clause(w), _new_clause(w)
    return [
        w.para(f"截至{y.label}末，{w.area}共有", stock, "。") if stock else None,
        w.para("科普教育基地中，", levels, "。") if levels and w.number(f"reg_{BY_LEVEL}") else None,
        w.para(f"{y.label}新认定", new, "。") if new else None,
        _table(w, f"表  {y.label}阵地与平台情况", None, "年末有效", "全年新认定"),
    ]


def five_year_sites(w: Writer) -> list:
    """五年来新认定的称号与平台，和期末有效的（分项目）。"""
    span = w.period
    years = span.end.year - span.start.year + 1
    lead = f"{CN_ORDINALS[years - 1]}年来" if years <= 10 else span.label
    new, stock = _new_clause(w), _stock_clause(w)
    return [
        w.para(f"{lead}，{w.area}新认定", new, "。") if new else None,
        w.para(f"到{span.end.year}年末，共有", stock, "。") if stock else None,
        _table(w, f"表  {span.label}阵地与平台情况", None, f"{span.end.year}年末有效", "期内新认定"),
    ]


ANNUAL_SECTION = Section(
    "阵地与平台", ("designations", "designations_new"), annual_sites, uses=REGISTRY_INDICATORS
)
FIVE_YEAR_SECTION = Section(
    "阵地与平台建设", ("designations", "designations_new"), five_year_sites, uses=REGISTRY_INDICATORS
)
