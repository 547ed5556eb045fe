"""Report sections for 青少年科技教育 (youth contests) and 科技志愿服务 (S&T volunteering), issue 11, for the
annual and the five-year templates. Every figure comes from the engine through the `Writer`; a section
without data is left out by the generator.

Students (人: distinct persons) and entries (项) are never confused: a team's entry is one 项, a student
in several rounds is one person; awards are entries awarded, by the level of the round ("获市奖……项").
Volunteer hours are confirmed hours only. Hooked into kexie.reports.catalogue after 人才举荐与表彰.
"""

from __future__ import annotations

from kexie.reports.generator import CN_ORDINALS, Writer
from kexie.reports.registry import Section

# (level, how reports name its awards), highest first as reports list them
AWARD_LEVELS = (("municipal", "市奖"), ("provincial", "省奖"), ("national", "国家奖"))
CONTEST_INDICATORS: tuple[str, ...] = (
    "contest_entries",
    "contest_students",
    "contest_schools",
    "contest_awards",
    "contest_awards_county",
    *(f"contest_awards_{level}" for level, _ in AWARD_LEVELS),
)
VOLUNTEER_INDICATORS: tuple[str, ...] = (
    "volunteer_teams",
    "volunteers_registered",
    "volunteer_hours",
    "volunteers_serving",
    *(f"volunteers_star{n}" for n in range(1, 6)),
)
STAR_WORDS = ("一星", "二星", "三星", "四星", "五星")


def _lead(w: Writer) -> str:
    span = w.period
    years = span.end.year - span.start.year + 1
    if years == 1:
        return span.label
    return f"{CN_ORDINALS[years - 1]}年来" if years <= 10 else span.label


def _awards(w: Writer) -> list | None:
    """ "获市奖4200多项、省奖100多项、国家奖16项" — the levels with awards."""
    done = [(word, w.fig(f"contest_awards_{level}")) for level, word in AWARD_LEVELS]
    done = [(word, fig) for word, fig in done if fig is not None]
    if not done:
        return None
    out: list = ["获"]
    for i, (word, fig) in enumerate(done):
        if i:
            out.append("、")
        out.extend([word, fig])
    return out


def contests(w: Writer) -> list:
    """学生参赛人数、参与学校、作品项数，获奖项数分级别（市奖、省奖、国家奖）。"""
    lead = _lead(w)
    students, schools, entries = w.fig("contest_students"), w.fig("contest_schools"), w.fig("contest_entries")
    awards = _awards(w)
    return [
        w.para(
            f"{lead}，{w.area}组织学生",
            students,
            "参加青少年科技创新大赛",
            ("，参赛学校", schools) if schools else "",
            ("，参赛作品", entries) if entries else "",
            ("，", awards) if awards else "",
            "。",
        )
        if students
        else None,
        w.para("各级赛事共有获奖作品", w.fig("contest_awards"), "（团队作品按作品计）。")
        if w.number("contest_awards")
        else None,
    ]


def _stars(w: Writer) -> list | None:
    done = [(word, w.fig(f"volunteers_star{n}")) for n, word in enumerate(STAR_WORDS, start=1)]
    done = [(word, fig) for word, fig in done if fig is not None]
    if not done:
        return None
    out: list = []
    for i, (word, fig) in enumerate(done):
        if i:
            out.append("、")
        out.extend([f"{word}志愿者", fig])
    return out


def volunteers(w: Writer) -> list:
    """期末的科技志愿服务队和注册志愿者、期内已确认的服务时长和参与服务的志愿者、星级志愿者。"""
    lead = _lead(w)
    end = w.period.end.year
    teams, registered = w.fig("volunteer_teams"), w.fig("volunteers_registered")
    hours, serving = w.fig("volunteer_hours"), w.fig("volunteers_serving")
    stars = _stars(w)
    return [
        w.para(
            f"截至{end}年末，{w.area}",
            ("注册科技志愿服务队", teams) if teams else "",
            ("、" if teams else "", "注册科技志愿者", registered) if registered else "",
            "。",
        )
        if teams or registered
        else None,
        w.para(
            f"{lead}，",
            ("参与服务志愿者", serving, "，") if serving else "",
            "志愿服务时长",
            hours,
            "（只计服务队组建单位确认的时长）。",
        )
        if hours
        else None,
        w.para("按累计服务时长评定，现有", stars, "。") if stars else None,
    ]


ANNUAL_CONTESTS = Section(
    "青少年科技教育", ("contest_entries", "contest_students"), contests, uses=CONTEST_INDICATORS
)
FIVE_YEAR_CONTESTS = Section(
    "青少年科技教育", ("contest_entries", "contest_students"), contests, uses=CONTEST_INDICATORS
)
ANNUAL_VOLUNTEERS = Section(
    "科技志愿服务", ("volunteer_teams", "volunteers_registered", "volunteer_hours"), volunteers,
    uses=VOLUNTEER_INDICATORS,
)  # fmt: skip
FIVE_YEAR_VOLUNTEERS = ANNUAL_VOLUNTEERS
