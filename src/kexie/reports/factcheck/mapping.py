"""Which indicator a figure in a report speaks of: the declarative tables, and the reading of a text.

A claim is mapped from three things found around it (pure text work, no database):
- the *measure*, from its counter word: 场次/场 → activities held, 人次 → participants, 浏览量 … → online
  views (a figure without a counter takes one written just before it: "参观人次达120万");
- a *modifier*, from keywords: 学术 → academic exchange, 重点 → key activities, 讲座 → lectures …;
- a *campaign* (全国科普日, 科技活动周 …), turned into the engine's campaign breakdown.
(measure, modifier) → indicator code is the table `INDICATORS`; a pair it lacks is "not checkable",
with the reason. Keywords belong to the figure they precede: they are read between the previous
figure of the sentence and this one (then, if that names no subject, just after it in the same
clause: "2000多场次科普活动"). A figure whose own words name no subject ("，参与2万人次") continues
its part of the sentence (up to ；): that part's modifier, campaign and named unit carry over. A
direct subordinate unit named with a figure ("怀宁县科协（16场次）") gets that unit's figure; "全市"
goes back to the whole subtree. The period is the nearest stated one (2023年, 2021-2025年,
十四五以来, 五年来, 今年 …; not a baseline such as "比上年", "十三五末") in the sentence, then
earlier in the paragraph, else the report's period; 累计/近年来/先后 without a stated start, plans
and targets (力争, 预计 …) and periods after the report are not checkable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kexie.core.numbers import Found
from kexie.core.periods import Period, five_year_plan, five_years_ending

# --------------------------------------------------------------------------- the tables

# counter word of a claim → measure
UNIT_MEASURES = {"场次": "activities", "场": "activities", "人次": "participants"}
# words that make a figure an online-views figure whatever its counter (次, 人次 or none)
VIEW_WORDS = ("浏览量", "浏览", "点击量", "阅读量", "观看量", "播放量")
# a figure without a counter takes one written just before it: "参观人次达120万", "浏览量超过5万"
_COUNTER_BEFORE = re.compile(
    r"(人次|场次|浏览量|点击量|阅读量|观看量|播放量)\s*(?:达到|超过|突破|累计|总计|合计|共计|[达超逾为共计约近])*\s*$"
)

MEASURE_LABELS = {
    "activities": "活动场次",
    "participants": "参与人次",
    "views": "线上浏览量",
    "share": "占比",
}

# modifier → keywords (first match wins within a modifier; several modifiers at once are ambiguous)
MODIFIERS: dict[str, tuple[str, ...]] = {
    "academic": ("学术", "论坛", "研讨会"),
    "key": ("重点",),
    "major": ("重大",),
    "lecture": ("讲座", "报告会"),
    "exhibition": ("展览",),
    "consultation": ("咨询", "义诊"),
    "training": ("培训",),
    "youth": ("青少年",),
    "sci_workers": ("科技工作者", "科技专家", "科技人员"),
    "volunteers": ("志愿者",),
}
MODIFIER_LABELS = {
    "academic": "学术交流",
    "key": "重点活动",
    "major": "重大活动",
    "lecture": "讲座/报告会",
    "exhibition": "展览",
    "consultation": "咨询/义诊",
    "training": "培训",
    "youth": "面向青少年",
    "sci_workers": "科技工作者",
    "volunteers": "志愿者",
}
# phrases that contain a keyword but do not mean the modifier ("重点人群" is not "重点活动")
NOT_MODIFIERS = (
    "重点人群", "重点产业", "重点任务", "重点工作", "重点项目", "重点领域", "重点企业", "重点难点",
    "重大突发", "重大战略", "重大决策", "重大项目", "重大问题", "学术界",
)  # fmt: skip

# (measure, modifier) → indicator code of the catalogue
INDICATORS: dict[tuple[str, str | None], str] = {
    ("activities", None): "popsci_activities",
    ("activities", "academic"): "academic_activities",
    ("activities", "key"): "popsci_key_activities",
    ("activities", "major"): "popsci_major_activities",
    ("activities", "lecture"): "popsci_lectures",
    ("activities", "exhibition"): "popsci_exhibitions",
    ("activities", "consultation"): "popsci_consultations",
    ("activities", "training"): "popsci_trainings",
    ("activities", "youth"): "popsci_youth_activities",
    ("participants", None): "popsci_participants",
    ("participants", "academic"): "academic_participants",
    ("participants", "sci_workers"): "sci_worker_participation",
    ("participants", "volunteers"): "volunteer_participation",
    ("views", None): "popsci_online_views",
    ("share", "key"): "popsci_key_share",
    ("organisers", None): "popsci_organisers",
}
# words saying a percentage is a share ("重点活动占比12%")
SHARE_WORDS = ("占比", "比例", "比重", "占")

# a figure about activities must say so somewhere in its sentence
SUBJECT_WORDS = ("活动", "科普", "讲座", "报告会", "展览", "咨询", "义诊", "培训", "论坛", "学术", "研讨会")

# campaign code → extra names (the campaign's own name from the database always counts)
CAMPAIGN_ALIASES: dict[str, tuple[str, ...]] = {
    "science_day": ("全国科普日", "科普日"),
    "science_month": ("全国科普月", "科普月"),
    "st_week": ("科技活动周", "科技周"),
    "workers_day": ("全国科技工作者日", "科技工作者日", "5·30", "5.30"),
    "st_spring": ("科技之春",),
    "disaster_day": ("防灾减灾日", "5·12"),
    "environment_day": ("世界环境日", "6·5"),
    "meteorology_day": ("世界气象日", "3·23"),
}
# two campaigns named together that one indicator covers (科普日 up to 2024, 科普月 from 2025)
CAMPAIGN_PAIRS = {frozenset({"science_day", "science_month"}): "science_day_month_activities"}

# period words → how to resolve them against the report year
# ("全年", "当年" name no year: they take the period stated before them, like any unstated figure)
RELATIVE_PERIODS = {"今年": 0, "本年": 0, "本年度": 0, "去年": -1, "上年": -1, "上一年": -1}
FIVE_YEARS = ("五年来", "近五年", "过去五年", "五年间")
# a figure in a sentence with these words is a plan or a target, not something done
INTENT_WORDS = (
    "力争",
    "预计",
    "目标是",
    "目标为",
    "下一步",
    "计划举办",
    "计划开展",
    "将达到",
    "将举办",
    "将开展",
)
UNSTATED_START = ("累计", "近年来", "历年", "多年来", "先后", "历届", "连续")

# --------------------------------------------------------------------------- text structure

_SENTENCE_END = "。！？!?"
_PART_END = _SENTENCE_END + "；;"
_CLAUSE_END = _PART_END + "，,：:（）()｜\t"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n|\n(?=[ \t\u3000]+)")  # blank line, or an indented line
_SHORT_LINE = 30  # a line this short with no end punctuation is a heading: a paragraph of its own


def _paragraph_starts(text: str) -> list[int]:
    """Offsets where paragraphs start. A single line break inside a sentence (text copied from a PDF
    or a newspaper column) is not a break; one after 。！？ or after a heading is."""
    starts = {0}
    for m in _PARAGRAPH_BREAK.finditer(text):
        starts.add(m.end())
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        stripped = line.strip()
        if "｜" in line or "\t" in line.strip(" \u3000"):  # a table row is read on its own
            starts.update((offset, end + 1))
        elif stripped and (stripped[-1] in "。！？!?：:" or len(stripped) < _SHORT_LINE):
            starts.add(end + 1)
        offset = end + 1
    return sorted(s for s in starts if s <= len(text))


@dataclass(frozen=True)
class Span:
    start: int
    end: int


class Layout:
    """Paragraphs, sentences and clauses of a text, for finding what surrounds a figure."""

    def __init__(self, text: str):
        self.text = text
        self.paragraphs = _paragraph_starts(text)
        self.sentence_ends = {i for i, ch in enumerate(text) if ch in _SENTENCE_END}
        self.part_ends = {i for i, ch in enumerate(text) if ch in _PART_END}
        self.clause_ends = {i for i, ch in enumerate(text) if ch in _CLAUSE_END}

    def paragraph_start(self, pos: int) -> int:
        return max(s for s in self.paragraphs if s <= pos)

    def _back(self, pos: int, stops: set[int]) -> int:
        floor = self.paragraph_start(pos)
        i = pos - 1
        while i >= floor and i not in stops:
            i -= 1
        return max(i + 1, floor)

    def _forward(self, pos: int, stops: set[int]) -> int:
        nxt = [s for s in self.paragraphs if s > pos]
        ceiling = nxt[0] if nxt else len(self.text)
        i = pos
        while i < ceiling and i not in stops:
            i += 1
        return i

    def sentence_start(self, pos: int) -> int:
        return self._back(pos, self.sentence_ends)

    def part_start(self, pos: int) -> int:
        return self._back(pos, self.part_ends)

    def clause_start(self, pos: int) -> int:
        return self._back(pos, self.clause_ends)

    def clause_end(self, pos: int) -> int:
        return self._forward(pos, self.clause_ends)


# --------------------------------------------------------------------------- reading a claim


@dataclass
class Mapping:
    """What was read around one claim. `indicator` is None when it cannot be checked (`reason`)."""

    indicator: str | None = None
    measure: str | None = None
    modifier: str | None = None
    campaign: str | None = None  # campaign code for the engine's campaign breakdown
    period: Period | None = None
    period_text: str = ""  # the words the period was read from ("" = the report year)
    evidence: list[str] = field(default_factory=list)  # the keywords that decided
    reason: str = ""
    child: int | None = None  # a direct subordinate unit named with the figure (its pk)
    own_only: bool = False  # "……（本级）": the unit's own records
    unit_name: str = ""  # the unit named with the figure, as written


def _mask(text: str, phrases) -> str:
    """The text with `phrases` blanked out (same length, so offsets stay valid)."""
    for phrase in phrases:
        text = text.replace(phrase, "\u3000" * len(phrase))
    return text


def _modifiers(window: str) -> dict[str, str]:
    """modifier → the keyword that names it, found in `window`."""
    window = _mask(window, NOT_MODIFIERS)
    found: dict[str, str] = {}
    for modifier, words in MODIFIERS.items():
        for word in words:
            if word in window:
                found[modifier] = word
                break
    return found


def campaign_names(extra: dict[str, list[str]] | None = None) -> list[tuple[str, str]]:
    """(name, campaign code), longest name first, from the aliases and `extra` (names from the DB)."""
    names = {name: code for code, aliases in CAMPAIGN_ALIASES.items() for name in aliases}
    for code, more in (extra or {}).items():
        for name in more:
            names.setdefault(name, code)
    return sorted(names.items(), key=lambda kv: -len(kv[0]))


def _campaigns(window: str, names: list[tuple[str, str]]) -> tuple[dict[str, str], str]:
    """(campaign code → name found, the window with the names blanked) for one window of text."""
    found: dict[str, str] = {}
    for name, code in names:
        if name in window:
            found.setdefault(code, name)
            window = window.replace(name, "\u3000" * len(name))
    return found, window


def _measure(found: Found, before: str, around: str) -> tuple[str | None, str, str]:
    """(measure, counter used, reason if none)."""
    q = found.quantity
    unit = q.unit if q else ""
    if found.kind == "percent":
        return ("share", "%", "") if any(w in before for w in SHARE_WORDS) else (None, "%", _PERCENT_REASON)
    if any(w in around for w in VIEW_WORDS) and unit in ("", "次", "人次"):
        return "views", unit or "次", ""
    if not unit:
        m = _COUNTER_BEFORE.search(before)
        if m is None:
            return None, "", "没有写明单位（场次、人次……），无法确定对应的指标。"
        unit = m.group(1)
        if unit in VIEW_WORDS:
            return "views", unit, ""
    if unit in UNIT_MEASURES:
        return UNIT_MEASURES[unit], unit, ""
    if unit in ("个", "家") and "单位" in around and "举办" in around:
        return "organisers", unit, ""
    if unit == "人":
        return None, unit, "“人”是去重人数；活动记录只统计参与人次，没有按人计的指标。"
    if unit == "次":
        return None, unit, "“次”可以指场次、转发、巡展等，上下文也没有说明是浏览量，无法确定对应的指标。"
    return None, unit, f"没有以“{unit}”计的指标（目前可核对活动场次、参与人次和线上浏览量）。"


_PERCENT_REASON = "这个百分比不是由记录计算的指标（如公民科学素质比例来自调查），只能人工核对。"
_KIND_REASONS = {
    "rank": "名次不是由记录计算的数字；可在“荣誉与排名”中登记并附来源文件。",
    "growth": "增长率需要基期数值，目前不自动核对。",
    "pp": "百分点变化需要基期数值，目前不自动核对。",
    "fraction": "分数（如“三分之二”）表示占比，没有对应的指标。",
    "number": "没有写明单位（场次、人次……），无法确定对应的指标。",
}

_PLAN_SINCE = re.compile(r"^\s*[”\"」]?\s*(以来|至今|期间|时期)")


_COMPARISON = re.compile(r"(?:比|较|与|同比|相比)\s*$")
_BASELINE_WORDS = ("比上年", "较上年", "比去年", "较去年", "上年同期", "去年同期", "与上年", "与去年")


def resolve_period(
    text: str, layout: Layout, claim: Found, markers: list[Found], default: Period
) -> tuple[Period | None, str, str]:
    """(period, the words it was read from, reason when it cannot be expressed) for a claim.

    The nearest stated period before the claim in its sentence, else earlier in its paragraph,
    else the report year — unless the sentence says 累计/近年来/先后 … without saying from when.
    """
    year = default.end.year
    sentence = layout.sentence_start(claim.start)
    paragraph = layout.paragraph_start(claim.start)
    candidates = [
        m
        for m in markers
        if paragraph <= m.start and m.end <= claim.start and not _COMPARISON.search(text[paragraph : m.start])
    ]
    words: list[tuple[int, int, str, Period]] = []
    searched = _mask(text[paragraph : claim.start], _BASELINE_WORDS)
    for word, shift in RELATIVE_PERIODS.items():
        for m in re.finditer(word, searched):
            words.append((paragraph + m.start(), paragraph + m.end(), word, Period.year(year + shift)))
    for word in FIVE_YEARS:
        for m in re.finditer(word, searched):
            words.append((paragraph + m.start(), paragraph + m.end(), word, five_years_ending(year)))
    options: list[tuple[int, int, str, Period]] = list(words)
    for m in candidates:
        after = text[m.end : m.end + 6]
        since = _PLAN_SINCE.match(after)
        written = text[m.start : m.end]
        if m.kind == "period":
            if after.lstrip('”"」').startswith(("末", "期末", "初")):
                continue  # "较十三五末" is a baseline, not the claim's period
            plan = five_year_plan(int(m.quantity.stated))
            if since and since.group(1) in ("以来", "至今"):
                if plan.first_year > year:
                    continue
                period = Period.span(plan.first_year, max(plan.first_year, min(year, plan.last_year)))
                options.append((m.start, m.end + since.end(), written + since.group(1), period))
            else:
                options.append((m.start, m.end, written, plan.period))
        elif m.kind == "year" and written.rstrip().endswith(("年", "年度")):
            q = m.quantity
            if q.qualifier == "至":
                first, last = int(q.low), int(q.high) - 1
                options.append((m.start, m.end, written, Period.span(first, last)))
            elif since:
                first = int(q.stated)
                if first <= year:
                    options.append(
                        (m.start, m.end + since.end(), written + since.group(1), Period.span(first, year))
                    )
            else:
                options.append((m.start, m.end, written, Period.year(int(q.stated))))
        elif m.kind == "date" and m.date and m.date[0] and m.date[1]:
            y, month, _ = m.date
            if since:
                if y <= year:
                    start = Period.month(y, month).start
                    options.append(
                        (
                            m.start,
                            m.end + since.end(),
                            written + since.group(1),
                            Period.custom(start, Period.year(year).end),
                        )
                    )
            else:
                options.append((m.start, m.end, written, Period.month(y, month)))
    in_sentence = [o for o in options if o[0] >= sentence]
    unstated = _unstated(text[sentence : claim.start])
    if not in_sentence and unstated:
        return None, unstated, f"“{unstated}”没有说明从哪一年起算，无法确定期间。"
    chosen = max(in_sentence or options, key=lambda o: o[0], default=None)
    if chosen is None:
        return default, "", ""
    period = chosen[3]
    if period.start.year > year:
        return None, chosen[2], f"“{chosen[2]}”晚于报告年份{year}年，还没有可核对的记录。"
    return period, chosen[2], ""


def _unstated(text: str) -> str:
    for word in UNSTATED_START:
        if word in text:
            return word
    return ""


@dataclass(frozen=True)
class UnitName:
    """A unit name as a text may write it, and what a figure next to it is about."""

    name: str
    kind: str  # "self" (the checked unit), "child" (a direct subordinate) or "deeper"
    pk: int


_WHOLE_WORDS = ("全市", "全县", "全省", "全区", "全系统", "全州", "全盟", "合计", "总计")


def _unit_target(window: str, units: list[UnitName]) -> tuple[UnitName | None, str]:
    """(the unit a window names — nearest to its end —, the window with unit names blanked)."""
    best: tuple[int, UnitName] | None = None
    for u in units:
        pos = window.rfind(u.name)
        if pos >= 0 and (best is None or pos > best[0]):
            best = (pos, u)
        window = window.replace(u.name, "\u3000" * len(u.name))
    whole = max((window.rfind(w) for w in _WHOLE_WORDS), default=-1)
    if best is None or whole > best[0]:
        return None, window
    return best[1], window


def map_claim(
    text: str,
    layout: Layout,
    claim: Found,
    previous_end: int,
    next_start: int,
    markers: list[Found],
    default: Period,
    names: list[tuple[str, str]],
    units: list[UnitName] | None = None,
) -> Mapping:
    """Read what `claim` speaks of. `previous_end`/`next_start`: the neighbouring figures' offsets;
    `default`: the report's period; `names`: campaign names; `units`: unit names of the subtree."""
    if claim.kind not in ("count", "percent"):
        return Mapping(reason=_KIND_REASONS.get(claim.kind, "不是可以核对的数量。"))
    units = units or []
    sentence = layout.sentence_start(claim.start)
    part = layout.part_start(claim.start)
    clause_end = layout.clause_end(claim.end)
    own_start = max(previous_end, sentence)
    before = text[own_start : claim.start]
    after = text[claim.end : min(clause_end, max(next_start, claim.end))]
    sentence_before = text[sentence:own_start]
    part_before = text[part:own_start] if part < own_start else ""
    intent = next((w for w in INTENT_WORDS if w in text[sentence : claim.start]), "")
    if intent:
        return Mapping(reason=f"句中有“{intent}”，这是计划或目标，不是已完成的数字。")

    # which unit: named in the figure's own words, else earlier in its part of the sentence
    target, before_units = _unit_target(before, units)
    if target is None and not any(w in before for w in _WHOLE_WORDS):
        target, _ = _unit_target(part_before, units)
    before = before_units
    part_before = _unit_target(part_before, units)[1]

    measure, counter, reason = _measure(claim, before, before + after)
    campaigns, before_masked = _campaigns(before, names)
    # A figure whose own words name no subject ("，参与2万人次") continues the subject of its part of
    # the sentence: that part's campaign and modifier carry over to it. One that names its own
    # subject ("，面向青少年的科普活动22场次") does not inherit them.
    # A share's own words name its denominator ("占全部科普活动的"), not a new subject.
    continues = measure == "share" or not any(w in _mask(before_masked, NOT_MODIFIERS) for w in SUBJECT_WORDS)
    if not campaigns and continues:
        campaigns, _ = _campaigns(part_before, names)
    _, after_masked = _campaigns(after, names)
    part_masked = _campaigns(part_before, names)[1]

    if measure is None:
        return Mapping(reason=reason)
    evidence = [counter] if counter else []

    own = before_masked
    has_subject = measure in ("views", "share") or any(w in own for w in SUBJECT_WORDS)
    if not has_subject and any(w in after_masked for w in SUBJECT_WORDS):
        own = own + " " + after_masked  # "2000多场次科普活动": the subject follows the figure
        has_subject = True
    if not has_subject:
        sentence_masked = _campaigns(sentence_before, names)[1]
        has_subject = any(w in sentence_masked for w in SUBJECT_WORDS) or bool(campaigns)
    if not has_subject:
        return Mapping(
            measure=measure, evidence=evidence, reason="上下文没有说明是哪类活动的数字，无法对应指标。"
        )

    found = _modifiers(own)
    if not found and continues:  # "举办学术交流活动3场次，参加近3800人次"
        found = _modifiers(part_masked)
    if measure == "organisers":
        found.clear()
    if measure == "views":
        found.pop("sci_workers", None)
        found.pop("volunteers", None)
    if len(found) > 1:
        words = "、".join(f"“{w}”" for w in found.values())
        return Mapping(measure=measure, evidence=evidence, reason=f"同时提到{words}，没有对应的单一指标。")
    modifier, word = next(iter(found.items()), (None, None))
    if word:
        evidence.append(word)
    code = INDICATORS.get((measure, modifier))
    if measure == "share" and code is None:
        return Mapping(measure=measure, modifier=modifier, evidence=evidence, reason=_PERCENT_REASON)
    if len(campaigns) > 1:
        pair = CAMPAIGN_PAIRS.get(frozenset(campaigns))
        if pair and (measure, modifier) == ("activities", None):
            code, campaign = pair, None
        else:
            names_found = "、".join(f"“{n}”" for n in campaigns.values())
            return Mapping(
                measure=measure, evidence=evidence, reason=f"同时提到{names_found}，无法按单一活动品牌核对。"
            )
    else:
        campaign = next(iter(campaigns), None)
    evidence.extend(campaigns.values())
    if code is None:
        label = MODIFIER_LABELS.get(modifier or "", "") + MEASURE_LABELS[measure]
        return Mapping(
            measure=measure, modifier=modifier, evidence=evidence, reason=f"没有“{label}”这一指标。"
        )
    if target is not None and target.kind == "deeper":
        return Mapping(
            measure=measure,
            modifier=modifier,
            evidence=evidence,
            reason=f"“{target.name}”不是所选单位的直属下级；请改选上级单位或该单位后再核对。",
        )

    period, period_text, why = resolve_period(text, layout, claim, markers, default)
    if period is None:
        return Mapping(
            measure=measure, modifier=modifier, evidence=evidence, reason=why, period_text=period_text
        )
    own_only = target is not None and target.kind == "self" and "本级" in text[own_start : claim.start]
    return Mapping(
        indicator=code,
        measure=measure,
        modifier=modifier,
        campaign=campaign,
        period=period,
        period_text=period_text,
        evidence=evidence,
        child=target.pk if target is not None and target.kind == "child" else None,
        unit_name=target.name if (target is not None and target.kind != "self") or own_only else "",
        own_only=own_only,
    )
