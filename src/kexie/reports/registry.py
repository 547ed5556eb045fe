"""Report templates declared in code: what a report is called, which periods it takes, and its sections.

A template plans the engine calls (which indicators, which periods, which breakdown) and lists its
sections; each section names the indicators it needs and writes blocks from the engine's values through
a `Writer` (kexie.reports.generator). A section whose indicators are all without data is left out.
Declarations live in `catalogue.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kexie.core.errors import DomainError
from kexie.core.periods import Period, PeriodKind

if TYPE_CHECKING:
    from kexie.reports.generator import Writer


@dataclass(frozen=True)
class Section:
    """One part of a report: a heading and the blocks `write` returns.

    `indicators` (codes) are the section's data: when every one of them is None or 0 for the report's
    period (and breakdown member), the section is left out entirely. `uses` are every indicator the
    section phrases (default: `indicators`): the template evaluates exactly the union of its sections'
    `uses`, and a section asking the writer for an indicator it did not declare raises, so a sentence
    can never disappear because its figure was not evaluated. `write` may still return no block (e.g. a
    comparison that needs a parent the user cannot see); the section is then left out too.
    """

    title: str
    indicators: tuple[str, ...]
    write: Callable[[Writer], list[dict]]
    uses: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "uses", tuple(dict.fromkeys((*self.indicators, *self.uses))))


@dataclass(frozen=True)
class Plan:
    """The engine calls a report needs: every period its figures use and an optional breakdown."""

    periods: tuple[Period, ...]
    breakdown: str | None = None
    key: str | None = None  # the breakdown member the report is about (a campaign code)


@dataclass(frozen=True)
class ReportTemplate:
    key: str
    name: str
    description: str
    period_kinds: tuple[PeriodKind, ...]
    period_help: str
    title: Callable[[Writer], str]
    sections: tuple[Section, ...]
    plan: Callable[[Period, dict], Plan]
    parent_indicators: tuple[str, ...] = ()  # compared with the siblings when the parent is in scope
    options: Sequence[str] = field(default_factory=tuple)  # extra inputs, e.g. ("campaign",)
    # (access, period, raw options) → checked options; raises DomainError with a Chinese message
    clean_options: Callable[..., dict] = field(default=lambda access, period, options: {})

    def __post_init__(self) -> None:
        from kexie.indicators.registry import indicator

        for code in (*self.indicators, *self.parent_indicators):
            indicator(code)  # an unknown code raises LookupError when the template is declared

    @property
    def indicators(self) -> tuple[str, ...]:
        """Every indicator any section phrases (evaluated in one call): derived from the sections."""
        return tuple(dict.fromkeys(code for section in self.sections for code in section.uses))

    def check_period(self, period: Period) -> None:
        if period.kind not in self.period_kinds:
            raise DomainError(
                f"“{self.name}”需要{'或'.join(k.label for k in self.period_kinds)}，"
                f"收到的是{period.kind.label}“{period.label}”。{self.period_help}",
                field="period",
            )


_TEMPLATES: dict[str, ReportTemplate] = {}


def register(template: ReportTemplate) -> ReportTemplate:
    if template.key in _TEMPLATES:
        raise ValueError(f"report template {template.key!r} is already registered")
    _TEMPLATES[template.key] = template
    return template


def template(key: str) -> ReportTemplate:
    try:
        return _TEMPLATES[key]
    except KeyError:
        raise DomainError(f"没有名为“{str(key)[:30]}”的报告模板。", field="template") from None


def templates() -> list[ReportTemplate]:
    return list(_TEMPLATES.values())
