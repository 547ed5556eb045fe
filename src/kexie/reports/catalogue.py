"""The built-in report templates: 年度工作总结, 五年工作回顾, 科普日/科普月活动总结.

Each section is a function of a `Writer`: it asks for figures (engine values phrased with
kexie.core.numbers) and writes sentences in the style of the city reports in shared/seeds. Figures
without data come back as None and the clause holding them is dropped, so nothing is ever filled in.
"""

from __future__ import annotations

import datetime as dt

from kexie.activities.selectors import campaign_choices
from kexie.core.errors import DomainError
from kexie.core.periods import Period, PeriodKind, plan_for_year
from kexie.reports.generator import CN_ORDINALS, Writer, noun
from kexie.reports.registry import Plan, ReportTemplate, Section, register
from kexie.reports.sections_contests_volunteers import (  # issue 11
    ANNUAL_CONTESTS,
    ANNUAL_VOLUNTEERS,
    FIVE_YEAR_CONTESTS,
    FIVE_YEAR_VOLUNTEERS,
)
from kexie.reports.sections_honours import ANNUAL_SECTION as ANNUAL_HONOURS  # issue 11
from kexie.reports.sections_honours import FIVE_YEAR_SECTION as FIVE_YEAR_HONOURS  # issue 11
from kexie.reports.sections_people import ANNUAL_SECTION as ANNUAL_PEOPLE_BASE  # issue 11
from kexie.reports.sections_people import FIVE_YEAR_SECTION as FIVE_YEAR_PEOPLE_BASE  # issue 11
from kexie.reports.sections_registries import ANNUAL_SECTION as ANNUAL_SITES
from kexie.reports.sections_registries import FIVE_YEAR_SECTION as FIVE_YEAR_SITES

POPSCI_TABLE = ("popsci_activities", "popsci_participants", "popsci_key_activities")
# column headers of POPSCI_TABLE, from the indicators' nouns: a reader (and the fact-check) takes a
# cell's subject and counter from them ("2019年" × "科普活动（场次）")
TABLE_HEADER = ("科普活动（场次）", "科普活动参与人次", f"{noun('popsci_key_activities')}（场次）")
# the figures of the units' comparison, ranking and table (_children_table, _top_children)
UNITS_USE = (*POPSCI_TABLE, "popsci_organisers")
# activity forms, named as their indicators declare (Indicator.words.noun: "讲座、报告会")
TYPES = tuple(
    (code, noun(code))
    for code in ("popsci_lectures", "popsci_exhibitions", "popsci_consultations", "popsci_trainings")
)
# Campaigns that continue each other: 全国科普日 (up to 2024) became 全国科普月 (from 2025).
CAMPAIGN_FAMILIES = (("science_day", "science_month"),)


def _join(clauses: list[tuple], sep: str = "，") -> list | None:
    """The complete clauses (no None inside) joined by `sep`; None when none is complete."""
    done = [c for c in clauses if all(p is not None for p in c)]
    if not done:
        return None
    out: list = []
    for i, clause in enumerate(done):
        if i:
            out.append(sep)
        out.extend(clause)
    return out


def _opt(*parts) -> list:
    """An optional clause: written when complete, silently dropped otherwise."""
    return [tuple(parts)] if all(p is not None for p in parts) else []


def _children_table(w: Writer, caption: str, period: Period | None = None) -> dict | None:
    """One row per child with data (largest first) and the unit's own records (本级) when it has any."""
    rows = []
    for v in w.ranking("popsci_activities", period):
        child = v.unit
        rows.append(
            [child.name]
            + [w.fig(code, period, child=child, tabular=True) for code in POPSCI_TABLE]
            + [w.share("popsci_activities", child, period)]
        )
    if not rows:
        return None
    if w.number("popsci_activities", period, own=True):
        rows.append(
            [f"{w.unit.name}（本级）"]
            + [w.fig(code, period, own=True, tabular=True) for code in POPSCI_TABLE]
            + [w.share("popsci_activities", w.unit, period, own=True)]
        )
    header = ["单位", *TABLE_HEADER, "场次占比"]
    return w.table(caption, header, rows)


def _top_children(w: Writer, period: Period | None = None, lead: str = "") -> dict | None:
    top = w.ranking("popsci_activities", period)[:3]
    if len(top) < 2:
        return None
    items = [[v.unit.name, "（", w.fig("popsci_activities", period, child=v.unit), "）"] for v in top]
    return w.para(
        lead,
        *_opt("共有", w.fig("popsci_organisers", period), "单位举办了科普活动，"),
        f"科普活动场次居前{'两' if len(top) == 2 else CN_ORDINALS[len(top) - 1]}位的是",
        *[part for item in w.listing(items) for part in (item if isinstance(item, list) else [item])],
        "。",
    )


def _parent_comparison(w: Writer, lead: str) -> dict | None:
    if w.parent is None:
        return None
    return w.para(
        lead,
        _join(
            [
                ("科普活动场次占", w.parent.name, "总数的", w.parent_share("popsci_activities"),
                 "，在", w.parent.name, "下属单位中居", w.parent_rank("popsci_activities")),
                ("参与人次占", w.parent_share("popsci_participants"), "，居", w.parent_rank("popsci_participants")),
            ],
            "；",
        ),
        "。",
    )  # fmt: skip


def _stated_facts(w: Writer) -> list:
    """荣誉与排名: facts of the unit's subtree in the period (kexie.facts), repeated as stated, one
    paragraph each. They are not figures (nothing is computed); the span keeps the fact's source so the
    appendix can cite it and the fact-checker can tell it from a computed figure."""
    from kexie.facts.selectors import fact_list

    blocks = []
    found = list(fact_list(access=w.access, unit=w.unit, period=w.period)[:MAX_FACTS])
    # in time order, dated ones first within a year (the same on SQLite and PostgreSQL, whose NULLs sort
    # differently)
    found.sort(key=lambda f: (f.year, f.date is None, f.date or dt.date.min, f.pk))
    for fact in found:
        statement = fact.statement.strip().rstrip("。；;")
        who = "" if fact.org_unit_id == w.unit.pk or fact.org_unit.name in statement else fact.org_unit.name
        stated = {
            "text": who + statement,
            "fact": {
                "id": fact.pk,
                "kind": fact.get_kind_display(),
                "unit_name": fact.org_unit.name,
                "when": fact.when,
                "issuer": fact.issuer,
                "source": fact.source,
            },
        }
        blocks.append({"kind": "paragraph", "spans": [{"text": f"{fact.when}，"}, stated, {"text": "。"}]})
    return blocks


MAX_FACTS = 30
FACTS_SECTION = Section("荣誉与排名", (), _stated_facts)


# --------------------------------------------------------------------------- 年度工作总结


def _annual_plan(period: Period, options: dict) -> Plan:
    return Plan(periods=(period, period.previous()))


def _annual_popsci(w: Writer) -> list:
    y, prev = w.period, w.period.previous()
    return [
        w.para(
            f"{y.label}，{w.area}科协系统共举办科普活动",
            w.fig("popsci_activities"),
            *_opt("，比上年", w.growth("popsci_activities", y, prev)),
            *_opt("；参与群众", w.fig("popsci_participants")),
            *_opt("，比上年", w.growth("popsci_participants", y, prev)),
            *_opt("；线上浏览量", w.fig("popsci_online_views")),
            "。",
        ),
        w.para(
            "其中，",
            _join(
                [
                    (
                        noun("popsci_key_activities"),
                        w.fig("popsci_key_activities"),
                        "，占全部科普活动的",
                        w.fig("popsci_key_share"),
                    ),
                    (
                        f"参与人次千人以上的{noun('popsci_major_activities')}",
                        w.fig("popsci_major_activities"),
                    ),
                ],
                "；",
            ),
            "。",
        ),
        w.para("按活动形式分，", _join([(name, w.fig(code)) for code, name in TYPES]), "。"),
        w.para(
            _join(
                [
                    (f"开展{noun('science_day_month_activities')}", w.fig("science_day_month_activities")),
                    (f"开展{noun('st_week_activities')}", w.fig("st_week_activities")),
                    (f"开展{noun('popsci_youth_activities')}", w.fig("popsci_youth_activities")),
                ],
                "；",
            ),
            "。",
        ),
        _parent_comparison(w, f"{y.label}，{w.unit.name}"),
        _top_children(w),
        _children_table(w, f"表1  {y.label}各单位科普活动情况"),
    ]


REACH = (
    "popsci_beneficiaries",
    "materials_copies",
    "volunteer_service_activities",
    "volunteer_service_beneficiaries",
    "popsci_contests",
    "caravan_activities",
    "mobile_museum_activities",
    "farmer_activities",
    "farmer_participants",
    "training_participants",
)


def _annual_reach(w: Writer) -> list:
    """受益群众, 科普资料, 志愿服务, 竞赛, 大篷车, 流动科技馆, 面向农民, 培训: each clause only with data."""
    y = w.period
    return [
        w.para(
            f"{y.label}，",
            _join(
                [
                    (f"{w.area}科普活动受益群众", w.fig("popsci_beneficiaries")),
                    (noun("materials_copies"), w.fig("materials_copies")),
                ]
            ),
            "。",
        ),
        w.para(
            f"开展{noun('volunteer_service_activities')}",
            w.fig("volunteer_service_activities"),
            *_opt("，受益群众", w.fig("volunteer_service_beneficiaries")),
            "。",
        ),
        w.para(
            "举办",
            _join(
                [
                    (noun("popsci_contests"), w.fig("popsci_contests")),
                    (noun("caravan_activities"), w.fig("caravan_activities")),
                    (noun("mobile_museum_activities"), w.fig("mobile_museum_activities")),
                ]
            ),
            "。",
        ),
        w.para(
            f"开展{noun('farmer_activities')}",
            w.fig("farmer_activities"),
            *_opt("，参与", w.fig("farmer_participants")),
            "。",
        ),
        w.para(f"全年{noun('training_participants')}", w.fig("training_participants"), "。"),
    ]


def _annual_academic(w: Writer) -> list:
    y, prev = w.period, w.period.previous()
    return [
        w.para(
            "全年举办学术交流活动",
            w.fig("academic_activities"),
            *_opt("，比上年", w.growth("academic_activities", y, prev)),
            *_opt("，参加", w.fig("academic_participants")),
            "。",
        )
    ]


def _annual_people(w: Writer) -> list:
    return [
        w.para(
            "全年各类活动中，",
            _join(
                [
                    ("科技工作者参与", w.fig("sci_worker_participation")),
                    ("科技志愿者参与", w.fig("volunteer_participation")),
                ]
            ),
            "。",
        )
    ]


def _annual_title(w: Writer) -> str:
    return f"{w.unit.name}{w.period.label}工作总结"


ANNUAL = register(
    ReportTemplate(
        key="annual",
        name="年度工作总结",
        description="一年的科普、学术交流和人员参与情况，与上年比较；有上级单位权限时写明占上级的比重和位次。",
        period_kinds=(PeriodKind.YEAR,),
        period_help="请填写年份，如 2024。",
        title=_annual_title,
        plan=_annual_plan,
        parent_indicators=("popsci_activities", "popsci_participants"),
        sections=(
            Section(
                "科学普及",
                ("popsci_activities",),
                _annual_popsci,
                uses=(
                    "popsci_participants",
                    "popsci_online_views",
                    "popsci_key_activities",
                    "popsci_key_share",
                    "popsci_major_activities",
                    *(code for code, _ in TYPES),
                    "science_day_month_activities",
                    "st_week_activities",
                    "popsci_youth_activities",
                    *UNITS_USE,
                ),
            ),
            Section("受益群众与特色活动", REACH, _annual_reach),
            Section("学术交流", ("academic_activities", "academic_participants"), _annual_academic),
            ANNUAL_SITES,
            ANNUAL_HONOURS,
            ANNUAL_CONTESTS,
            ANNUAL_VOLUNTEERS,
            ANNUAL_PEOPLE_BASE,
            Section(
                "科技工作者和志愿者参与",
                ("sci_worker_participation", "volunteer_participation"),
                _annual_people,
            ),
            FACTS_SECTION,
        ),
    )
)


# --------------------------------------------------------------------------- 五年工作回顾


def _span_words(span: Period) -> tuple[str, str]:
    """(label for the title, lead word of the text): ("“十四五”时期", "五年来") or ("2019—2023年", "五年来")."""
    years = span.end.year - span.start.year + 1
    lead = f"{CN_ORDINALS[years - 1]}年来" if years <= 10 else f"{span.label}"
    plan = plan_for_year(span.start.year)
    if plan is not None and plan.period == span:
        return plan.label, lead
    return span.label, lead


def _five_plan(period: Period, options: dict) -> Plan:
    first, last = period.start.year, period.end.year
    years = tuple(Period.year(y) for y in range(first, last + 1))
    return Plan(periods=(period, period.previous(), *years, Period.year(first - 1)))


def _five_popsci(w: Writer) -> list:
    span, prev = w.period, w.period.previous()
    label, lead = _span_words(span)
    last, base = Period.year(span.end.year), Period.year(span.start.year - 1)
    year_rows = []
    for y in range(span.start.year, span.end.year + 1):
        p = Period.year(y)
        if w.has_data(("popsci_activities", "academic_activities"), p):
            year_rows.append(
                [f"{y}年"] + [w.fig(c, p, tabular=True) for c in (*POPSCI_TABLE, "academic_activities")]
            )
    header = ["年份", *TABLE_HEADER, f"{noun('academic_activities')}（场次）"]
    return [
        w.para(
            f"{lead}，{w.area}科协系统累计举办科普活动",
            w.fig("popsci_activities"),
            *_opt("，参与群众", w.fig("popsci_participants")),
            "。",
            *_opt(
                f"与上一个{CN_ORDINALS[span.end.year - span.start.year]}年（{prev.label}）相比，",
                _join(
                    [
                        ("活动场次", w.growth("popsci_activities", span, prev)),
                        ("参与人次", w.growth("popsci_participants", span, prev)),
                    ]
                ),
                "。",
            ),
        ),
        w.para(
            f"{last.label}举办科普活动",
            w.fig("popsci_activities", last),
            *_opt(f"，比{base.label}", w.growth("popsci_activities", last, base)),
            *_opt("；参与群众", w.fig("popsci_participants", last)),
            *_opt(f"，比{base.label}", w.growth("popsci_participants", last, base)),
            *_opt("；重点科普活动占比为", w.fig("popsci_key_share", last)),
            *_opt(f"，比{base.label}", w.pp("popsci_key_share", last, base)),
            "。",
        ),
        w.table(f"表1  {label}历年活动情况", header, year_rows) if len(year_rows) > 1 else None,
    ]


def _five_campaigns(w: Writer) -> list:
    _, lead = _span_words(w.period)
    return [
        w.para(
            f"{lead}，",
            _join(
                [
                    (
                        f"累计开展{noun('science_day_month_activities')}",
                        w.fig("science_day_month_activities"),
                    ),
                    (noun("st_week_activities"), w.fig("st_week_activities")),
                    (noun("popsci_youth_activities"), w.fig("popsci_youth_activities")),
                ],
                "，",
            ),
            "。",
        )
    ]


def _five_academic(w: Writer) -> list:
    span, prev = w.period, w.period.previous()
    _, lead = _span_words(span)
    return [
        w.para(
            f"{lead}，累计举办学术交流活动",
            w.fig("academic_activities"),
            *_opt("，参加", w.fig("academic_participants")),
            *_opt(f"；活动场次比{prev.label}", w.growth("academic_activities", span, prev)),
            "。",
        )
    ]


def _five_units(w: Writer) -> list:
    label, lead = _span_words(w.period)
    return [
        _parent_comparison(w, f"{lead}，{w.unit.name}"),
        _top_children(w),
        _children_table(w, f"表2  {label}各单位科普活动情况"),
    ]


FIVE_YEAR = register(
    ReportTemplate(
        key="five_year",
        name="五年工作回顾",
        description="换届大会用：五年来（或“十四五”以来）的累计数字，与上一个五年和基期年比较，历年表和各单位表。",
        period_kinds=(PeriodKind.SPAN,),
        period_help="请填写起止年份，如 2021..2025（“十四五”时期）。",
        title=lambda w: f"{w.unit.name}{_span_words(w.period)[0]}工作回顾",
        plan=_five_plan,
        parent_indicators=("popsci_activities", "popsci_participants"),
        sections=(
            Section(
                "科学普及",
                ("popsci_activities",),
                _five_popsci,
                uses=(*POPSCI_TABLE, "popsci_key_share", "academic_activities"),
            ),
            Section(
                "品牌科普活动",
                ("science_day_month_activities", "st_week_activities", "popsci_youth_activities"),
                _five_campaigns,
            ),
            Section("学术交流", ("academic_activities",), _five_academic, uses=("academic_participants",)),
            FIVE_YEAR_SITES,
            FIVE_YEAR_HONOURS,
            FIVE_YEAR_CONTESTS,
            FIVE_YEAR_VOLUNTEERS,
            FIVE_YEAR_PEOPLE_BASE,
            Section("各地开展情况", ("popsci_activities",), _five_units, uses=UNITS_USE),
            FACTS_SECTION,
        ),
    )
)


# --------------------------------------------------------------------------- 科普日/科普月活动总结


def _default_campaign(year: int) -> str:
    return "science_month" if year >= 2025 else "science_day"


def _base_campaign(code: str, year: int) -> str:
    """The campaign of the year before, following a family (科普日 → 科普月)."""
    for family in CAMPAIGN_FAMILIES:
        if code in family:
            return _default_campaign(year - 1) if set(family) == {"science_day", "science_month"} else code
    return code


def _campaign_plan(period: Period, options: dict) -> Plan:
    return Plan(periods=(period, period.previous()), breakdown="campaign", key=options["campaign"])


def _campaign_options(period: Period, options: dict) -> dict:
    code = (options.get("campaign") or "").strip() or _default_campaign(period.start.year)
    return {"campaign": code}


def _campaign_name(w: Writer, code: str) -> str:
    found = campaign_choices(access=w.access).filter(code=code).first()
    return found.name if found else code


def _campaign_overview(w: Writer) -> list:
    y, prev = w.period, w.period.previous()
    name = _campaign_name(w, w.key)
    base_key = _base_campaign(w.key, y.start.year)
    base_name = _campaign_name(w, base_key)
    return [
        w.para(
            f"{y.label}{name}期间，{w.area}科协系统共组织开展科普活动",
            w.fig("popsci_activities"),
            *_opt("，参与群众", w.fig("popsci_participants")),
            *_opt("，线上浏览量", w.fig("popsci_online_views")),
            *_opt(f"；其中{noun('popsci_key_activities')}", w.fig("popsci_key_activities")),
            "。",
            *_opt(
                f"与{prev.label}{base_name}相比，",
                _join(
                    [
                        ("活动场次", w.growth("popsci_activities", y, prev, base_key=base_key)),
                        ("参与人次", w.growth("popsci_participants", y, prev, base_key=base_key)),
                    ]
                ),
                "。",
            ),
        ),
        w.para(f"{name}期间，按活动形式分，", _join([(n, w.fig(code)) for code, n in TYPES]), "。"),
        w.para(f"{name}期间，开展{noun('popsci_youth_activities')}", w.fig("popsci_youth_activities"), "。"),
    ]


def _campaign_units(w: Writer) -> list:
    return [
        _parent_comparison(w, f"{w.period.label}{_campaign_name(w, w.key)}期间，{w.unit.name}"),
        _top_children(w, lead=f"{_campaign_name(w, w.key)}期间，"),
        _children_table(w, f"表1  各单位{_campaign_name(w, w.key)}活动情况"),
    ]


def _campaign_title(w: Writer) -> str:
    return f"{w.unit.name}{w.period.label}{_campaign_name(w, w.key)}活动总结"


def _check_campaign(access, period: Period, options: dict) -> dict:
    options = _campaign_options(period, options)
    validate_campaign(access, period, options["campaign"])
    return options


CAMPAIGN = register(
    ReportTemplate(
        key="campaign",
        name="科普日/科普月活动总结",
        description="一年一度的全国科普日（2024年及以前）或全国科普月（2025年起）等品牌活动的总结，与上年同一活动比较。",
        period_kinds=(PeriodKind.YEAR,),
        period_help="请填写年份，如 2025；活动品牌默认按年份取全国科普日或全国科普月。",
        title=_campaign_title,
        plan=_campaign_plan,
        parent_indicators=("popsci_activities", "popsci_participants"),
        options=("campaign",),
        clean_options=_check_campaign,
        sections=(
            Section(
                "总体情况",
                ("popsci_activities",),
                _campaign_overview,
                uses=(
                    "popsci_participants",
                    "popsci_online_views",
                    "popsci_key_activities",
                    *(code for code, _ in TYPES),
                    "popsci_youth_activities",
                ),
            ),
            Section("各地开展情况", ("popsci_activities",), _campaign_units, uses=UNITS_USE),
            FACTS_SECTION,
        ),
    )
)


def validate_campaign(access, period: Period, code: str) -> None:
    """The campaign must be one the user may pick and must run in the report's year."""
    found = campaign_choices(access=access).filter(code=code).first()
    if found is None:
        raise DomainError(f"没有代码为“{code[:30]}”的活动品牌。", field="campaign")
    if not found.valid_in(period.start.year):
        raise DomainError(
            f"“{found.name}”在{period.label}没有举办（请换一个活动品牌或年份）。", field="campaign"
        )
