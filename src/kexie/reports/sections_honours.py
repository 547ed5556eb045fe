"""Report sections for 人才举荐与表彰 (issue 11): honours of people and teams and nominations upward, for the
annual and the five-year templates. Every figure comes from the engine through the `Writer`; a section
with no award and no nomination put forward is left out by the generator.

People (人, 名: distinct persons) and person-times (人次) are written as the indicators count them:
表彰人数 counts each person once, 表彰人次 each time a person was honoured (team members each).
Hooked into the annual and five-year templates in kexie.reports.catalogue (after 阵地与平台).
"""

from __future__ import annotations

from kexie.core.periods import Period
from kexie.reports.generator import CN_ORDINALS, Writer
from kexie.reports.registry import Section

LEVELS = (("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"), ("county", "县级"))

HONOUR_INDICATORS: tuple[str, ...] = (
    "honour_awards",
    "honour_nominations",
    "honour_person_times",
    "honour_persons",
    "honour_nominations_up",
    "honour_zuimei_municipal_persons",
    "honour_persons_municipal",
    *(f"honour_awards_{level}" for level, _ in LEVELS),
)


def _levels(w: Writer, period: Period | None = None) -> list | None:
    done = [(word, w.fig(f"honour_awards_{level}", period)) for level, word in LEVELS]
    done = [(word, fig) for word, fig in done if fig is not None]
    if not done:
        return None
    out: list = ["其中"]
    for i, (word, fig) in enumerate(done):
        if i:
            out.append("、")
        out.extend([word, fig])
    return out


def _body(w: Writer, lead: str) -> list:
    persons, times = w.fig("honour_persons"), w.fig("honour_person_times")
    awards = w.fig("honour_awards")
    up = w.fig("honour_nominations_up")
    zuimei = w.fig("honour_zuimei_municipal_persons")
    return [
        w.para(f"{lead}，{w.area}向中国科协、省科协推荐各类人才", up, "。") if up else None,
        w.para(
            f"{lead}，{w.area}科技工作者受到各级表彰",
            times,
            "，共",
            persons,
            "（同一人多次受表彰只计1人，团队获奖按成员计）；获奖、入选",
            awards,
            ("，", _levels(w)) if _levels(w) else "",
            "。",
        )
        if persons and times and awards
        else None,
        # 市级 最美: said of a city's own honour only ("全县最美" would be the county's, another figure)
        w.para(f"评选出{w.area}最美科技工作者", zuimei, "。") if zuimei and w.area == "全市" else None,
    ]


def annual_honours(w: Writer) -> list:
    """推荐参评省级以上荣誉的人次、受表彰的人数和人次、获奖项数（分级别）、评选出的最美科技工作者。"""
    return _body(w, w.period.label)


def five_year_honours(w: Writer) -> list:
    span = w.period
    years = span.end.year - span.start.year + 1
    lead = f"{CN_ORDINALS[years - 1]}年来" if years <= 10 else span.label
    return _body(w, lead)


ANNUAL_SECTION = Section(
    "人才举荐与表彰", ("honour_awards", "honour_nominations"), annual_honours, uses=HONOUR_INDICATORS
)
FIVE_YEAR_SECTION = Section(
    "人才举荐与表彰", ("honour_awards", "honour_nominations"), five_year_honours, uses=HONOUR_INDICATORS
)
