"""Which indicator a figure in a report speaks of: the reading of a text (no database, no word tables).

What an indicator is called lives with the indicator (`Indicator.words`, kexie.indicators.registry
explains the rules); this module only knows about Chinese report text: sentences, parts (up to ；)
and clauses, the verbs that open what a figure counts, filler words, periods and unit names.

A figure is read in three windows:
- its *own words*: from the previous figure (or the start of its part of the sentence) up to it;
- its *phrase*: what it counts — the own words after the last verb (开展/举办/组织 …), or, when those
  name nothing, the noun right after the figure ("开展了2000多场次科普活动");
- when its own words name nothing at all ("，参与2万人次", "（16场次）"), it *continues* the last
  subject named before it in the sentence, with that subject's qualifiers.
It maps to the one indicator whose words fit (see `Words`); two equally fitting indicators that
differ only in how they are computed (popsci_activities for 科技活动周 vs st_week_activities) are
resolved to the one without a breakdown; anything else that is not exactly one is "not checkable",
with a reason saying what was missing. A direct subordinate unit named with a figure
("怀宁县科协（16场次）") gets that unit's figure; "全市" goes back to the whole subtree; a 科协 named in
the text that is not in the checked subtree makes the figure not checkable. The period is the nearest
stated one (2023年, 2021-2025年, 十四五以来, 五年来, 今年 …; not a baseline such as "比上年",
"十三五末"), else the report's period; plans and targets (力争, 预计 …) and periods after the report are
not checkable. Flows stated as cumulative (累计/先后/历年 …) are read over the report's span when the
report covers several years or from a stated start, else they are not checkable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kexie.core.numbers import Found, find_numbers
from kexie.core.periods import Period, five_year_plan, five_years_ending
from kexie.indicators.registry import Indicator, Kind, Words

# --------------------------------------------------------------------------- words about text

# Verbs after which a report names what it counts ("举办特色科普展演活动"): the phrase starts there.
VERBS = (
    "新成立", "新组建", "成立", "组建", "建成", "建立", "建设", "创建", "开展", "举办", "举行",
    "承办", "主办", "协办", "实施", "完成", "召开", "推出", "策划", "开设", "进行", "接待", "共有",
    "现有", "拥有", "覆盖", "占", "达到", "超过", "突破", "共计", "合计", "总计", "累计", "共", "达", "有",
)  # fmt: skip
# Words that never narrow what a figure counts (read after removing subject and qualifier words).
FILLERS = (
    "各类型", "各类", "各种", "各项", "各级", "各地", "一系列", "系列", "主题", "专题", "多种形式",
    "形式多样", "丰富多彩", "线上线下", "活动", "其中", "全年", "当年", "全部", "总", "参与", "参加", "受益",
    "参观", "群众", "观众", "听众", "人员", "面向", "期间", "围绕", "以上", "场次", "人次", "组织",
    "领导机构", "机构", "在内", "了", "的", "等", "和", "与", "及", "共", "约", "近", "余", "超",
    "累计", "先后", "历年", "数量", "合计", "小计", "总数", "全市", "全县", "全省", "全区", "全州", "全系统", "科协系统", "本级",
)  # fmt: skip
# After a noun that follows its figure, words saying something happened to those counted: they are a
# part, not all ("3家专家工作站被认定为……", "4家单位获全国优秀组织奖").
SUBSET_PREDICATES = ("被", "获", "入选", "认定", "评为", "成为", "受到", "列入", "晋升", "升级")
# Phrases that contain a qualifier word but do not mean it ("重点人群" is not "重点活动").
NOT_QUALIFIERS = (
    "重点人群", "重点产业", "重点任务", "重点工作", "重点项目", "重点领域", "重点企业", "重点难点",
    "重大突发", "重大战略", "重大决策", "重大项目", "重大问题", "学术界",
)  # fmt: skip
# a figure without a counter takes one written just before it: "参观人次达120万", "浏览量超过5万"
_COUNTER_BEFORE = re.compile(r"(人次|场次)\s*(?:达到|超过|突破|累计|总计|合计|共计|[达超逾为共计约近])*\s*$")
_SUBJECT_BEFORE = re.compile(r"(?:达到|超过|突破|累计|总计|合计|共计|[达超逾为共计约近])*\s*$")
_SPACE = re.compile(r"[\s\u3000“”\"'‘’「」《》（）()、，,：:·.\-—]+")

# period words → how to resolve them against the report year
# ("全年", "当年" name no year: they take the period stated before them, like any unstated figure)
RELATIVE_PERIODS = {"今年": 0, "本年": 0, "本年度": 0, "去年": -1, "上年": -1, "上一年": -1}
FIVE_YEARS = ("五年来", "近五年", "过去五年", "五年间")
# a figure in a sentence with these words is a plan or a target, not something done
INTENT_WORDS = (
    "力争", "预计", "目标是", "目标为", "下一步", "计划举办", "计划开展", "将达到", "将举办", "将开展",
)  # fmt: skip
# a flow stated with these words is a total over several years
CUMULATIVE = ("累计", "先后", "历年", "历届", "连续", "五年来", "五年间", "过去五年", "近五年")
# ... over years nobody can name
UNSTATED = ("近年来", "多年来")

_PERCENT_REASON = "这个百分比不是由记录计算的指标（如公民科学素质比例来自调查），只能人工核对。"
_KIND_REASONS = {
    "rank": "名次不是由记录计算的数字；可在“荣誉与排名”中登记并附来源文件。",
    "growth": "增长率需要基期数值，目前不自动核对。",
    "pp": "百分点变化需要基期数值，目前不自动核对。",
    "fraction": "分数（如“三分之二”）表示占比，没有对应的指标。",
    "number": "没有写明单位（场次、人次……），无法确定对应的指标。",
}
_NO_SUBJECT = "上下文没有说明是哪类活动或组织的数字，无法对应指标。"

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


def _mask(text: str, phrases: Iterable[str]) -> str:
    """The text with `phrases` blanked out (same length, so offsets stay valid)."""
    for phrase in phrases:
        if phrase:
            text = text.replace(phrase, "\u3000" * len(phrase))
    return text


MARKER_KINDS = ("year", "date", "period")  # times that place a figure, not figures themselves

# --------------------------------------------------------------------------- what is a figure

_URL = re.compile(r"(?:https?://|www\.)[\w./?=&%#:~+-]+", re.IGNORECASE)
_TIMESTAMP = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?|\b\d{1,2}:\d{2}(?::\d{2})?\b"
)
# contact lines of a newspaper page: phone numbers, postcodes, street addresses
_CONTACT = re.compile(r"\d{3,4}-\d{7,8}|(?:邮编|邮政编码)[:：]?\s*\d{6}|(?:社址|地址)[:：][^\s，。；]*")
_CAPTION = re.compile(r"(?:表|图|附表|附件|附图)\s*$")
_NAME_ORDINALS = (
    "届",
    "次",
    "期",
    "批",
    "轮",
    "代",
    "版",
    "号",
    "章",
    "条",
    "部分",
    "季",
    "集",
    "阶段",
    "个",
)
_CN_DIGITS = set("〇零一二三四五六七八九十百千万两")
_QUOTES = {"“": "”", '"': '"', "「": "」", "‘": "’"}
_DURATION_AFTER = ("来", "间", "前", "后", "的奋斗", "的经验", "工作")
_DURATION_BEFORE = ("过去", "过去的", "今后", "未来", "近", "这", "前", "建党", "建国", "成立")
# what follows an ordinal that names a part or an edition ("第一部分", "第三批") or an idiom ("第一时间")
_ORDINAL_NAMES = ("部分", "时间", "准则", "要务", "责任人", "位的", "批", "届", "次", "期", "轮", "章", "节")


def _chrome_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in (_URL, _TIMESTAMP, _CONTACT) for m in pattern.finditer(text)]


def _in_slogan(text: str, f: Found) -> bool:
    """A figure in Chinese numerals inside a short quotation ("十个区域性强市", "百名专家进乡村学堂")
    is part of a slogan or a programme's name, not a count."""
    if not set(f.text.strip()) & _CN_DIGITS or any(ch.isdigit() for ch in f.text):
        return False
    left = text[max(0, f.start - 20) : f.start]
    for open_q, close_q in _QUOTES.items():
        i = left.rfind(open_q)
        if i >= 0 and close_q not in left[i + 1 :] and close_q in text[f.end : f.end + 20]:
            return True
    return text[f.end : f.end + 1] in ("“", '"') or text[f.end : f.end + 1] == "新"


def is_figure(text: str, f: Found, chrome: list[tuple[int, int]] | None = None) -> bool:
    """Is `f` a figure a reader would check? Not an ordinal that is part of a name (第33届科普宣传周,
    第十一次调查), page chrome (a URL, a timestamp, "表1"), a slogan ("建设“十个区域性强市”") or a
    duration that only says when ("五年来", "过去的五年")."""
    chrome = _chrome_spans(text) if chrome is None else chrome
    if any(a <= f.start and f.end <= b for a, b in chrome):
        return False
    unit = f.quantity.unit if f.quantity else ""
    if f.kind == "rank" and (
        unit in _NAME_ORDINALS or text[f.end : f.end + 4].lstrip().startswith(_ORDINAL_NAMES)
    ):
        return False
    if f.kind == "number" and "+" in text[max(0, f.start - 1) : f.end + 1]:
        return False  # "3+1" names a programme
    if f.kind == "number" and _is_heading_number(text, f):
        return False
    if f.kind == "number" and _CAPTION.search(text[max(0, f.start - 4) : f.start]):
        return False
    if f.kind in ("count", "number") and _in_slogan(text, f):
        return False
    if f.kind == "count" and unit in ("年", "周年") and not any(ch.isdigit() for ch in f.text):
        before = text[max(0, f.start - 3) : f.start].rstrip()
        if (
            text[f.end : f.end + 4].startswith((*_DURATION_AFTER, "一度"))
            or before.endswith(_DURATION_BEFORE)
            or unit == "周年"
        ):
            return False
    return True


def _is_heading_number(text: str, f: Found) -> bool:
    """A section number alone at the start of a line ("1  突出凝心铸魂")."""
    line_start = text.rfind("\n", 0, f.start) + 1
    line_end = text.find("\n", f.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start : f.start].strip():
        return False
    rest = text[f.end : line_end]
    return not rest.strip() or rest[:1] in (" ", "\u3000", "\t", "、", ".", "．")


def read_figures(text: str) -> tuple[list[Found], list[Found]]:
    """(figures to check, times that place them) in `text`, in order."""
    found = find_numbers(text)
    chrome = _chrome_spans(text)
    markers = [f for f in found if f.kind in MARKER_KINDS and not any(a <= f.start < b for a, b in chrome)]
    figures = [f for f in found if f.kind not in MARKER_KINDS and is_figure(text, f, chrome)]
    return figures, markers


# --------------------------------------------------------------------------- the vocabulary


@dataclass(frozen=True)
class Member:
    """A breakdown member named in a text: dimension, member code, the words found."""

    dimension: str
    code: str
    word: str


class Vocabulary:
    """The words of every indicator that declares them, ready for reading texts.

    `extra` adds member names per dimension at run time (campaign names stored in the database):
    {"campaign": {"my_code": ["科普惠民乡村行"]}}.
    """

    def __init__(self, declared: Iterable[Indicator], extra: dict[str, dict[str, list[str]]] | None = None):
        self.indicators: list[Indicator] = [i for i in declared if i.words is not None]
        members: dict[str, dict[str, str]] = {}  # dimension → word → code
        for ind in self.indicators:
            for dim, by_code in ind.words.qualifiers.items():
                for code, words in by_code.items():
                    for w in words:
                        members.setdefault(dim, {}).setdefault(w, code)
        for dim, by_code in (extra or {}).items():
            if dim not in members:
                continue  # no indicator is broken down by it: its names would qualify nothing
            for code, words in by_code.items():
                for w in words:
                    if len(w) >= 2:
                        members[dim].setdefault(w, code)
        # every member word, longest first (so 全国科普日 is read before 科普日)
        self.members: list[tuple[str, str, str]] = sorted(
            ((w, dim, code) for dim, words in members.items() for w, code in words.items()),
            key=lambda t: -len(t[0]),
        )
        self.counters = {c for i in self.indicators for c in i.words.counters}

    def for_counter(self, counter: str) -> list[Indicator]:
        return [i for i in self.indicators if counter in i.words.counters]

    def subjects(self, counter: str) -> list[str]:
        return sorted({s for i in self.for_counter(counter) for s in i.words.subjects}, key=len, reverse=True)

    def dimensions(self, counter: str) -> set[str]:
        return {d for i in self.for_counter(counter) for d in i.words.qualifiers}

    def qualifier_words(self, counter: str) -> list[str]:
        """Words that narrow a figure with this counter: every `requires` word of its indicators."""
        words = {w for i in self.for_counter(counter) for group in i.words.requires for w in group}
        return sorted(words, key=len, reverse=True)

    def find_members(self, window: str) -> tuple[list[Member], str]:
        """(members named in `window`, the window with their words blanked)."""
        found: list[Member] = []
        for word, dim, code in self.members:
            if word in window:
                found.append(Member(dim, code, word))
                window = window.replace(word, "\u3000" * len(word))
        return found, window


# --------------------------------------------------------------------------- reading a figure


@dataclass
class Mapping:
    """What was read around one figure. `indicator` is None when it cannot be checked (`reason`)."""

    indicator: str | None = None
    breakdown: str | None = None  # dimension of the engine breakdown ("campaign", "org_type" …)
    key: str | None = None  # the member's code in that breakdown
    member_word: str = ""  # how the text named the member ("全国科普日", "企业科协")
    period: Period | None = None
    period_text: str = ""  # the words the period was read from ("" = the report's period)
    evidence: list[str] = field(default_factory=list)  # the words that decided
    reason: str = ""
    child: int | None = None  # a direct subordinate unit named with the figure (its pk)
    own_only: bool = False  # "……（本级）": the unit's own records
    unit_name: str = ""  # the unit named with the figure, as written
    counter: str = ""  # the counter word read ("场次", "人次", "" …)

    @property
    def campaign(self) -> str | None:
        return self.key if self.breakdown == "campaign" else None


@dataclass(frozen=True)
class UnitName:
    """A unit name as a text may write it, and what a figure next to it is about."""

    name: str
    kind: str  # "self" (the checked unit), "child" (a direct subordinate) or "deeper"
    pk: int


_WHOLE_WORDS = ("全市", "全县", "全省", "全区", "全系统", "全州", "全盟", "合计", "总计")
# a 科协 named in a text ("池州市科协"): a figure of a unit outside the checked subtree is not checkable
_NAMED_KEXIE = re.compile(r"([\u4e00-\u9fa5]{2,8}?(?:省|市|县|区|州|旗))(?:科协|科学技术协会)")
_GENERIC_PLACES = {
    "全市",
    "全县",
    "全省",
    "全区",
    "全州",
    "本市",
    "本县",
    "我市",
    "我县",
    "我省",
    "各市",
    "各县",
}


def _unit_target(window: str, units: Sequence[UnitName]) -> tuple[UnitName | None, str]:
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


_SUBJECT_START = re.compile(r"(?:^|[。！？!?\n])[\s\u3000]*(?:——)?")


def _named_units(window: str, units: Sequence[UnitName], *, openers: bool) -> list[tuple[int, str]]:
    """(offset, name) of the 科协 named in `window`, name "" for one of `units`; with openers=True only
    those that open a sentence ("池州市科协形成了……")."""
    out: list[tuple[int, str]] = []
    starts = {m.end() for m in _SUBJECT_START.finditer(window)} if openers else set()
    for m in _NAMED_KEXIE.finditer(window):
        if openers and m.start() not in starts:
            continue
        name = m.group(0).lstrip("被受由向在经获对与和及为从把将据")
        place = m.group(1)
        if (
            place in _GENERIC_PLACES
            or place[-2:] in _GENERIC_PLACES
            or re.match(r"[一二三四五六七八九十两各多]", place)
        ):
            continue  # "全市科协", "三县一区科协", "各县区科协"
        known = any(name.endswith(u.name) or u.name.endswith(name) for u in units)
        out.append((m.start(), "" if known else name))
    return out


def _counter(found: Found, before: str) -> str:
    q = found.quantity
    if found.kind == "percent":
        return "%"
    unit = q.unit if q else ""
    if unit:
        return unit
    m = _COUNTER_BEFORE.search(before)
    return m.group(1) if m else ""


def _last_verb(window: str) -> int:
    """Offset just after the last verb in `window` (0 when there is none)."""
    best = 0
    for verb in VERBS:
        pos = window.rfind(verb)
        if pos >= 0:
            best = max(best, pos + len(verb))
    return best


@dataclass
class _Reading:
    """The words of one figure (or of the subject it continues)."""

    scope: str  # own words, masked: where requires/excludes/members are looked for
    phrase: str  # what it counts (member names blanked)
    members: list[Member]
    raw_phrase: str = ""  # the same words with member names ("企业科协" names the subject 科协)


@dataclass
class _Fit:
    indicator: Indicator
    members: list[Member]
    leftover: str = ""
    problem: str = ""  # why it does not fit ("" = it fits)
    score: int = 0  # how far it got: subject 1, +requires 1, +excludes 1, +members 1, +leftover 1


_DATES = re.compile(r"\d{4}\s*年度?|\d{1,2}\s*月份?|[一二三四]季度|[上下]半年")


def _strip(text: str, words: Iterable[str]) -> str:
    """What is left of `text` without `words`, dates ("2019年") and punctuation."""
    for w in sorted(set(words), key=len, reverse=True):
        text = text.replace(w, "")
    return _SPACE.sub("", _DATES.sub("", text))


def _fit(ind: Indicator, reading: _Reading, sentence: str, qualifiers: list[str], dims: set[str]) -> _Fit:
    words: Words = ind.words
    subjects = [s for s in words.subjects if s in reading.raw_phrase]
    fit = _Fit(ind, [])
    if not subjects:
        fit.problem = "subject"
        return fit
    fit.score = 1
    used = set(subjects)
    for group in words.requires:
        hit = [w for w in group if w in reading.scope or any(m.word == w for m in reading.members)]
        if not hit:
            fit.problem = "requires:" + "/".join(group)
            return fit
        used.update(hit)
    fit.score = 2
    excluded = next((w for w in words.excludes if w in reading.scope), None)
    if excluded:
        fit.problem = "excludes:" + excluded
        return fit
    if words.context and not any(w in sentence for w in words.context):
        fit.problem = "context:" + "/".join(words.context)
        return fit
    fit.score = 3
    members: dict[str, list[Member]] = {}
    for m in reading.members:
        required = [w for group in words.requires for w in group]
        inside = any(m.word in w and m.word != w for w in subjects) or any(
            m.word in w or w in m.word for w in required
        )
        if inside or m.dimension not in dims:
            continue  # named by the indicator itself (科技活动周 for st_week_activities), or about
            # something no indicator with this counter is broken down by (学会 in "学会举办……场次")
        members.setdefault(m.dimension, []).append(m)
    for dim, named in members.items():
        if dim not in words.qualifiers:
            fit.problem = "member:" + "、".join(f"“{m.word}”" for m in named)
            return fit
        if len({m.code for m in named}) > 1:
            fit.problem = "members:" + "、".join(f"“{m.word}”" for m in named)
            return fit
        fit.members.append(named[0])
    fit.score = 4
    rest = reading.scope
    # a qualifier word inside a word the indicator uses is not one of its own ("科技馆" in "流动科技馆")
    for w in sorted(used, key=len, reverse=True):
        rest = rest.replace(w, "\u3000")
    unused = [q for q in qualifiers if q in rest]
    if unused:
        fit.problem = "qualifier:" + "、".join(f"“{q}”" for q in unused)
        return fit
    # members this indicator is broken down by (or that concern no indicator with this counter) go
    # first ("高校科协组织": 高校科协 + 组织); a member inside a subject stays with it ("学会服务站")
    phrase = reading.raw_phrase
    first = [m.word for m in fit.members] + [m.word for m in reading.members if m.dimension not in dims]
    for w in sorted(first, key=len, reverse=True):
        phrase = phrase.replace(w, "")
    leftover = _strip(phrase, [*subjects, *used, *FILLERS])
    if leftover:
        fit.leftover = leftover
        fit.problem = "leftover"
        return fit
    fit.score = 5
    return fit


def _explain(fit: _Fit, phrase: str) -> str:
    name = fit.indicator.name
    kind, _, detail = fit.problem.partition(":")
    what = _SPACE.sub("", phrase.replace("\u3000", "")) or name
    if kind == "requires":
        return f"“{what}”没有写明{detail.replace('/', '或')}，不能按“{name}”核对。"
    if kind == "excludes":
        return f"文中的“{detail}”不是“{name}”统计的内容，无法核对。"
    if kind == "context":
        return f"句中没有提到{detail.replace('/', '或')}，不能确定是“{name}”，无法核对。"
    if kind == "member":
        return f"提到了{detail}，但“{name}”不能按它分别统计，无法核对。"
    if kind == "members":
        return f"同时提到{detail}，无法按单一类别（如单一活动品牌）核对。"
    if kind == "qualifier":
        return f"提到了{detail}，没有按它统计的“{name}”这类指标，无法核对。"
    if kind == "leftover":
        return f"“{what}”比“{name}”的范围窄（多了“{fit.leftover}”），不能按该指标核对。"
    return _NO_SUBJECT


def _choose(fits: list[_Fit], phrase: str) -> tuple[_Fit | None, str]:
    good = [f for f in fits if not f.problem]
    if len(good) > 1:
        plain = [f for f in good if not f.members]
        good = plain if plain else good
    if len(good) > 1:
        names = "、".join(f"“{f.indicator.name}”" for f in good)
        what = _SPACE.sub("", phrase.replace("\u3000", ""))
        return None, f"“{what}”可以指{names}，无法确定是哪一个。"
    if good:
        return good[0], ""
    best = max(fits, key=lambda f: f.score, default=None)
    if best is None or best.score == 0:
        return None, _NO_SUBJECT
    return None, _explain(best, phrase)


_COMPARISON = re.compile(r"(?:比|较|与|同比|相比)\s*$")
_BASELINE_WORDS = ("比上年", "较上年", "比去年", "较去年", "上年同期", "去年同期", "与上年", "与去年")
_PLAN_SINCE = re.compile(r"^\s*[”\"」]?\s*(以来|至今|期间|时期)")


@dataclass(frozen=True)
class _Stated:
    start: int
    end: int
    words: str
    period: Period
    since: bool  # "…以来": a stated start


def _stated_periods(text: str, layout: Layout, pos: int, markers: list[Found], year: int) -> list[_Stated]:
    paragraph = layout.paragraph_start(pos)
    candidates = [
        m
        for m in markers
        if paragraph <= m.start and m.end <= pos and not _COMPARISON.search(text[paragraph : m.start])
    ]
    options: list[_Stated] = []
    searched = _mask(text[paragraph:pos], _BASELINE_WORDS)
    for word, shift in RELATIVE_PERIODS.items():
        for m in re.finditer(word, searched):
            options.append(
                _Stated(paragraph + m.start(), paragraph + m.end(), word, Period.year(year + shift), False)
            )
    for word in FIVE_YEARS:
        for m in re.finditer(word, searched):
            options.append(
                _Stated(paragraph + m.start(), paragraph + m.end(), word, five_years_ending(year), True)
            )
    for m in candidates:
        after = text[m.end : m.end + 6]
        since = _PLAN_SINCE.match(after)
        written = text[m.start : m.end]
        if m.kind == "period":
            if after.lstrip('”"」').startswith(("末", "期末", "初")):
                continue  # "较十三五末" is a baseline, not the figure's period
            plan = five_year_plan(int(m.quantity.stated))
            if since and since.group(1) in ("以来", "至今"):
                if plan.first_year > year:
                    continue
                period = Period.span(plan.first_year, max(plan.first_year, min(year, plan.last_year)))
                options.append(_Stated(m.start, m.end + since.end(), written + since.group(1), period, True))
            else:
                options.append(_Stated(m.start, m.end, written, plan.period, True))
        elif m.kind == "year" and written.rstrip().endswith(("年", "年度")):
            q = m.quantity
            if q.qualifier == "至":
                first, last = int(q.low), int(q.high) - 1
                options.append(_Stated(m.start, m.end, written, Period.span(first, last), True))
            elif since:
                first = int(q.stated)
                if first <= year:
                    options.append(
                        _Stated(
                            m.start,
                            m.end + since.end(),
                            written + since.group(1),
                            Period.span(first, year),
                            True,
                        )
                    )
            else:
                options.append(_Stated(m.start, m.end, written, Period.year(int(q.stated)), False))
        elif m.kind == "date" and m.date and m.date[0] and m.date[1]:
            y, month, _ = m.date
            if since:
                if y <= year:
                    start = Period.month(y, month).start
                    period = Period.custom(start, Period.year(year).end)
                    options.append(
                        _Stated(m.start, m.end + since.end(), written + since.group(1), period, True)
                    )
            else:
                options.append(_Stated(m.start, m.end, written, Period.month(y, month), False))
    return options


def resolve_period(
    text: str, layout: Layout, claim: Found, markers: list[Found], default: Period, *, stock: bool = False
) -> tuple[Period | None, str, str]:
    """(period, the words it was read from, reason when it cannot be expressed) for a figure.

    The nearest stated period before the figure in its sentence, else earlier in its paragraph, else
    the report's period. A flow whose own part of the sentence says 累计/先后/历年 … after the stated
    period (or with none) is a total over years: the report's span when it covers several years, a
    stated start ("2021年以来累计"), or not checkable. A stock is read at the period's end.
    """
    year = default.end.year
    sentence = layout.sentence_start(claim.start)
    part = layout.part_start(claim.start)
    options = _stated_periods(text, layout, claim.start, markers, year)
    in_sentence = [o for o in options if o.start >= sentence]
    # a stock is as of the report's end unless its own sentence dates it
    chosen = max(in_sentence if stock else (in_sentence or options), key=lambda o: o.start, default=None)
    if not stock:
        unstated = next((w for w in UNSTATED if w in text[sentence : claim.start]), "")
        if unstated and not in_sentence:
            return None, unstated, f"“{unstated}”没有说明从哪一年起算，无法确定期间。"
        since = chosen.end if chosen is not None and chosen.start >= part else part
        own_part = text[since : claim.start]
        cumulative = next((w for w in CUMULATIVE if w in own_part), "")
        if cumulative and not (chosen is not None and chosen.start >= part and chosen.since):
            if chosen is not None and chosen.start >= part and not chosen.since:
                pass  # "2023年，全市累计举办……": the total within the stated year
            elif default.start.year < default.end.year:
                return default, cumulative, ""  # a review of several years: its whole span
            else:
                return (
                    None,
                    cumulative,
                    f"“{cumulative}”表示多年累计，没有说明从哪一年起算，无法确定期间"
                    "（五年回顾请把报告期间填为起止年份，如 2019..2023）。",
                )
    if chosen is None:
        return default, "", ""
    period = chosen.period
    if period.start.year > year:
        return None, chosen.words, f"“{chosen.words}”晚于报告年份{year}年，还没有可核对的记录。"
    return period, chosen.words, ""


# --------------------------------------------------------------------------- reading a text


@dataclass
class _Subject:
    """The last subject named in a sentence, for the figures that continue it."""

    sentence: int
    reading: _Reading
    target: UnitName | None


class Reader:
    """Reads every figure of one text in order: `map(i)` for the i-th figure of `figures`."""

    def __init__(
        self,
        text: str,
        figures: list[Found],
        markers: list[Found],
        default: Period,
        vocabulary: Vocabulary,
        units: Sequence[UnitName] = (),
    ):
        self.text = text
        self.layout = Layout(text)
        self.figures = figures
        self.markers = markers
        self.default = default
        self.vocabulary = vocabulary
        self.units = list(units)
        self.check_units = bool(units)
        self.in_table = False  # reading the sentence a table cell's headers make
        # who speaks: the 科协 that open sentences, in order (a compilation of several cities' reports)
        self.openers = _named_units(text, self.units, openers=True) if units else []

    def _foreign(self, part: int, pos: int) -> str:
        """The 科协 a figure speaks of when it is outside the checked subtree, else "": the last one
        named in its part of the sentence, else the last one that opened a sentence before it."""
        named = _named_units(self.text[part:pos], self.units, openers=False)
        if named:
            return named[-1][1]
        before = [name for start, name in self.openers if start < part]
        return before[-1] if before else ""

    def map_all(self) -> list[Mapping]:
        return [self.map(i) for i in range(len(self.figures))]

    def _masked(self, window: str) -> tuple[str, list[Member], UnitName | None, str]:
        """(window with unit, member and false-qualifier names blanked, the members, the unit named,
        the window with only unit and false-qualifier names blanked) — all of the same length."""
        target, window = _unit_target(window, self.units)
        plain = _mask(window, NOT_QUALIFIERS)
        members, window = self.vocabulary.find_members(plain)
        return window, members, target, plain

    def _subject_before(self, start: int, end: int, counter: str) -> _Reading | None:
        """The last subject named in text[start:end] (a figure's own words naming nothing continue it)."""
        window, members, _, plain = self._masked(self.text[start:end])
        subjects = {s for i in self.vocabulary.indicators for s in i.words.subjects}
        best = -1
        for s in subjects:
            pos = plain.rfind(s)
            if pos >= 0:
                best = max(best, pos + len(s))
        if best < 0:
            return None
        head = window[:best]
        clause = max(head.rfind(ch) for ch in "，,；;：:") + 1
        begin = max(_last_verb(head), clause)
        part = max(head.rfind(ch) for ch in "；;") + 1
        named = [m for m in members if m.word in plain[part:best]]
        return _Reading(scope=head[part:], phrase=head[begin:], members=named, raw_phrase=plain[begin:best])

    def _enumeration_lead(self, i: int) -> str:
        """The words leading a list that figure i continues after "、" ("新认定科普教育基地4个、
        院士专家工作站1个" → "新认定科普教育基地" for the second figure), with false qualifiers blanked;
        "" when figure i does not continue a list."""

        def own(j: int) -> str:
            return self.text[self.figures[j - 1].end if j else 0 : self.figures[j].start]

        if i == 0 or not own(i).lstrip().startswith("、"):
            return ""
        j = i - 1
        while j > 0 and own(j).lstrip().startswith("、"):
            j -= 1
        start = max(self.layout.clause_start(self.figures[j].start), self.figures[j - 1].end if j else 0)
        return _mask(self.text[start : self.figures[j].start], NOT_QUALIFIERS)

    def _frame(self, sentence: int, pos: int) -> list[Member]:
        """Members named in a sentence's lead clause ("2024年全国科普日期间，……"): they frame every
        figure of the sentence that names none of its own."""
        end = self.layout.clause_end(sentence)
        if end >= pos or any(sentence <= g.start < end for g in self.figures):
            return []
        return self.vocabulary.find_members(_mask(self.text[sentence:end], NOT_QUALIFIERS))[0]

    def _table_cell(self, f: Found) -> tuple[str, str, str, str] | None:
        """(caption, row header, column header, cell) of a figure in a table body row, else None.

        A table is a block of lines whose cells are separated by tabs (a .docx table as read) or by
        "｜" (a generated report's table); its first line is the header row, and a short line just
        above it without separators is its caption."""
        text = self.text
        line_start = text.rfind("\n", 0, f.start) + 1
        line_end = text.find("\n", f.end)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        sep = "\t" if "\t" in line else "｜" if "｜" in line else None
        if sep is None:
            return None
        top = line_start
        while top > 0:
            above = text.rfind("\n", 0, top - 1) + 1
            if sep not in text[above : top - 1]:
                break
            top = above
        if top == line_start:
            return None  # the header row itself
        header_end = text.find("\n", top)
        header = text[top:header_end].split(sep)
        column = text[line_start : f.start].count(sep)
        cells = line.split(sep)
        if column == 0 or column >= len(header) or column >= len(cells):
            return None
        above = text.rfind("\n", 0, max(top - 1, 0)) + 1 if top else top
        caption = text[above : top - 1].strip() if top else ""
        caption = caption if caption and len(caption) <= 60 and not caption.endswith("。") else ""
        return caption, cells[0].strip(), header[column].strip(), cells[column].strip()

    def _map_cell(self, f: Found, cell: tuple[str, str, str, str]) -> Mapping:
        """A table figure read as the sentence its headers make: "2019年" × "科普活动（场次）" × "120"
        reads as "2019年科普活动120场次"; the caption leads it ("表1  各单位全国科普日活动情况，……")."""
        caption, row, column, value = cell
        unit = re.search(r"[（(]\s*([^（）()]{1,4})\s*[）)]\s*$", column)
        subject = column[: unit.start()].strip() if unit else column
        q = f.quantity
        counter = unit.group(1) if unit else next((c for c in ("人次", "场次") if subject.endswith(c)), "")
        if not unit and counter:
            subject = subject[: -len(counter)]  # "科普活动参与人次": the counter of the column
        written = value if (q and q.unit) or not counter else value + counter
        lead = f"{caption}，" if caption else ""
        sentence = f"{lead}{row}{subject}{written}。"
        figures, markers = read_figures(sentence)
        at = sentence.rfind(written)
        mine = [
            j for j, g in enumerate(figures) if g.start <= at < g.end or at <= g.start < at + len(written)
        ]
        if not mine:
            return Mapping(reason=_KIND_REASONS["number"])
        reader = Reader(sentence, figures, markers, self.default, self.vocabulary, self.units)
        reader.in_table = True
        mapping = reader.map(mine[-1])
        mapping.evidence = [*mapping.evidence, f"表格：{row} × {column}"]
        return mapping

    def map(self, i: int) -> Mapping:
        text, layout, f = self.text, self.layout, self.figures[i]
        if not self.in_table:
            cell = self._table_cell(f)
            if cell is not None:
                return self._map_cell(f, cell)
        if f.kind not in ("count", "percent"):
            return Mapping(reason=_KIND_REASONS.get(f.kind, "不是可以核对的数量。"))
        previous_end = self.figures[i - 1].end if i else 0
        next_start = self.figures[i + 1].start if i + 1 < len(self.figures) else len(text)
        sentence = layout.sentence_start(f.start)
        part = layout.part_start(f.start)
        own_start = max(previous_end, part)
        intent = next((w for w in INTENT_WORDS if w in text[sentence : f.start]), "")
        if intent:
            return Mapping(reason=f"句中有“{intent}”，这是计划或目标，不是已完成的数字。")

        raw_before = text[own_start : f.start]
        counter = _counter(f, raw_before)
        # a share (占…的…%) or a rate a record-counted indicator names (乡镇科协组织建设率达100%)
        if f.kind == "percent" and not any(w in raw_before for w in ("占", "比例", "比重", "占比", "率")):
            return Mapping(reason=_PERCENT_REASON)
        candidates = self.vocabulary.for_counter(counter)
        if not candidates:
            return Mapping(counter=counter, reason=_no_counter_reason(counter))

        before, members, target, plain = self._masked(raw_before)
        if target is None and not any(w in raw_before for w in _WHOLE_WORDS):
            target, _ = _unit_target(text[part:own_start], self.units)
        if counter in ("人次", "场次") and not (f.quantity and f.quantity.unit):
            cut = _COUNTER_BEFORE.search(before)  # "参观人次达": the counter is not a subject word
            if cut:
                before, plain = before[: cut.start()], plain[: cut.start()]
        if counter == "":
            cut = _SUBJECT_BEFORE.search(before)  # "浏览量达": the verb is not part of the subject
            if cut:
                before, plain = before[: cut.start()], plain[: cut.start()]
        clause_end = layout.clause_end(f.end)
        after_raw = text[f.end : min(clause_end, max(next_start, f.end))]
        after, after_members, _, after_plain = self._masked(after_raw)

        clause = max(before.rfind(ch) for ch in "，,：:（(") + 1
        begin = max(_last_verb(before), clause)
        phrase, raw_phrase = before[begin:], plain[begin:]
        subjects = self.vocabulary.subjects(counter)
        scope = before
        subject_after = False
        if not any(s in raw_phrase for s in subjects):
            # the noun right after the figure: "2000多场次科普活动", "53个乡镇科协领导机构"
            ends = [after_plain.find(s) + len(s) for s in subjects if s in after_plain]
            if ends and not _strip(phrase, FILLERS):
                end = min(ends)
                rest = after_raw[end:]
                said = next((w for w in SUBSET_PREDICATES if w in rest), "")
                if said:
                    what = _SPACE.sub("", after_raw[: end + rest.find(said) + len(said) + 6])
                    return Mapping(
                        counter=counter,
                        reason=f"“{what}……”说的是其中获评、认定或入选的一部分，不是全部，无法按指标核对。",
                    )
                phrase, raw_phrase = after[:end], after_plain[:end]
                subject_after = True
                scope = before + " " + after[:end]
                members = members + [m for m in after_members if m.word in after_plain[:end]]
        reading = _Reading(scope=scope, phrase=phrase, members=members, raw_phrase=raw_phrase)
        continued = False
        own_content = _strip(plain[clause:], [*FILLERS, *VERBS])
        # own words of nothing but fillers ("，参与", "，受益群众") continue the subject named before
        after_content = _strip(after_plain, [*FILLERS, *VERBS])  # "7场主题报告": names its own thing
        if (not own_content and not subject_after and not after_content) or counter == "%":
            earlier = self._subject_before(sentence, own_start + clause, counter)
            before = before[clause:]
            if earlier is not None:
                continued = True
                if counter == "%":  # a share names its denominator; the numerator is the subject before
                    own = any(s in raw_phrase for s in subjects)
                    reading = _Reading(
                        scope=earlier.scope + " " + before,
                        phrase=phrase if own else earlier.phrase,
                        members=earlier.members + members,
                        raw_phrase=raw_phrase if own else earlier.raw_phrase,
                    )
                else:
                    reading = _Reading(
                        scope=earlier.scope + " " + before,
                        phrase=earlier.phrase,
                        members=earlier.members + members,
                        raw_phrase=earlier.raw_phrase,
                    )
        if counter == "" and not re.search(r"[\u4e00-\u9fa5]\s*$", _SUBJECT_BEFORE.sub("", raw_before)):
            return Mapping(counter=counter, reason=_KIND_REASONS["number"])

        named = {m.dimension for m in reading.members}
        reading.members += [m for m in self._frame(sentence, f.start) if m.dimension not in named]
        sentence_text = text[sentence : layout._forward(f.end, layout.sentence_ends)]
        qualifiers, dims = self.vocabulary.qualifier_words(counter), self.vocabulary.dimensions(counter)
        lead = self._enumeration_lead(i)
        if lead:
            # "新认定科普教育基地4个、院士专家工作站1个": the list's qualifier (新认定) holds for every
            # item; an indicator that does not count it cannot take the figure
            carried = [q for q in qualifiers if q in lead and q not in reading.scope]
            if carried:
                reading.scope = reading.scope + " " + " ".join(carried)
        fits = [_fit(ind, reading, sentence_text, qualifiers, dims) for ind in candidates]
        chosen, reason = _choose(fits, reading.phrase)
        if chosen is None:
            if all(fit.score == 0 for fit in fits):
                if continued:
                    what = _SPACE.sub("", reading.raw_phrase.replace("\u3000", ""))
                    reason = f"这个数字接着前文的“{what}”，没有统计它的{counter or '数'}的指标，无法核对。"
                else:
                    reason = {
                        "": _KIND_REASONS["number"],
                        "%": _PERCENT_REASON,
                        "次": _no_counter_reason("次"),
                    }.get(counter, reason)
            return Mapping(counter=counter, reason=reason)
        ind = chosen.indicator
        evidence = [counter] if counter else []
        evidence += [s for s in ind.words.subjects if s in reading.raw_phrase][:1]
        evidence += [w for group in ind.words.requires for w in group if w in reading.scope]
        evidence += [m.word for m in chosen.members]
        if continued and target is None:
            before_units = _unit_target(text[sentence:own_start], self.units)[0]
            if before_units is not None and not any(w in raw_before for w in _WHOLE_WORDS):
                target = before_units
        if self.check_units:
            foreign = self._foreign(part, f.start)
            if foreign and target is None:
                return Mapping(
                    counter=counter,
                    evidence=evidence,
                    reason=f"这个数字说的是“{foreign}”，不在所核对的单位范围内，无法核对。",
                )
        if target is not None and target.kind == "deeper":
            return Mapping(
                counter=counter,
                evidence=evidence,
                reason=f"“{target.name}”不是所选单位的直属下级；请改选上级单位或该单位后再核对。",
            )
        period, period_text, why = resolve_period(
            text, layout, f, self.markers, self.default, stock=ind.kind == Kind.STOCK
        )
        if period is None:
            return Mapping(counter=counter, evidence=evidence, reason=why, period_text=period_text)
        member = chosen.members[0] if chosen.members else None
        own_only = target is not None and target.kind == "self" and "本级" in raw_before
        return Mapping(
            indicator=ind.code,
            breakdown=member.dimension if member else None,
            key=member.code if member else None,
            member_word=member.word if member else "",
            period=period,
            period_text=period_text,
            evidence=evidence,
            child=target.pk if target is not None and target.kind == "child" else None,
            unit_name=target.name if (target is not None and target.kind != "self") or own_only else "",
            own_only=own_only,
            counter=counter,
        )


def _no_counter_reason(counter: str) -> str:
    if counter == "人":
        return "“人”是去重人数；没有以“人”计、能从记录算出的对应指标。"
    if counter == "次":
        return "“次”可以指场次、转发、巡展等，上下文也没有说明是浏览量，无法确定对应的指标。"
    if not counter:
        return _KIND_REASONS["number"]
    return f"没有以“{counter}”计的指标。"
