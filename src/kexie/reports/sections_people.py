"""Report section 基层组织“3+1” (issue 11, people and coverage) for the annual and five-year templates:
乡镇科协组织建设率, the 三长 in township 科协 leadership, and the people registered — stocks at the
period's end, every figure from the engine through the `Writer`. Left out when none has data.

Sentences are written so that the fact-check reads each figure back to its own indicator (a bare
"乡镇（街道）科协3个" would read as 组织机构数 of 街道科协, so counts of units are not written here).
"""

from __future__ import annotations

from kexie.reports.generator import Writer
from kexie.reports.registry import Section

PEOPLE_INDICATORS: tuple[str, ...] = (
    "township_coverage",
    "posts_three_heads_people",
    "people_sci_workers",
)
USES: tuple[str, ...] = (*PEOPLE_INDICATORS, "township_three_heads_coverage", "people_experts")


def _blocks(w: Writer, when: str) -> list:
    coverage = w.fig("township_coverage")
    heads = w.fig("posts_three_heads_people")
    share = w.fig("township_three_heads_coverage")
    workers, experts = w.fig("people_sci_workers"), w.fig("people_experts")
    out = []
    if coverage:
        out.append(w.para(f"{when}，{w.area}乡镇科协组织建设率达", coverage, "。"))
    if heads:
        tail = ["，有“三长”任职的乡镇（街道）科协占", share, "。"] if share else ["。"]
        out.append(w.para("乡镇（街道）科协领导班子中，“三长”兼职总人数", heads, *tail))
    if workers or experts:
        # "，" between them: after "、" the fact-check would read 登记 as a qualifier of the experts too
        parts = [("登记科技工作者", workers), ("入库专家", experts)]
        spans: list = []
        for name, fig in parts:
            if fig:
                spans += (["，"] if spans else []) + [name, fig]
        out.append(w.para(f"{when}，{w.area}", *spans, "。"))
    return out


def annual_base(w: Writer) -> list:
    return _blocks(w, f"截至{w.period.label}末")


def five_year_base(w: Writer) -> list:
    return _blocks(w, f"到{w.period.end.year}年末")


ANNUAL_SECTION = Section("基层组织“3+1”", PEOPLE_INDICATORS, annual_base, uses=USES)
FIVE_YEAR_SECTION = Section("基层组织“3+1”建设", PEOPLE_INDICATORS, five_year_base, uses=USES)
