"""Editing a paragraph in the browser while its figures stay linked.

In the editor a paragraph is plain text in which each linked figure is written between 【 and 】:

    全年共举办科普活动【2100多场次】，比上年【增长12.3%】。

The text around the figures can be changed freely. A figure whose bracketed text is left as it is stays
linked (same indicator, period, unit, value and provenance); a figure whose brackets are removed or
whose text is changed becomes plain text and is no longer linked (the editor shows which figures are
linked). A pair of brackets holding anything other than a linked figure's text is written as its
content without the brackets. A stated fact (荣誉、排名, not a computed figure) stays marked as long
as its text is left unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from kexie.core.errors import DomainError
from kexie.core.text import clean_text, validate_plain_text
from kexie.reports.document import is_figure, span_text, text_span

OPEN, CLOSE = "【", "】"
MAX_PARAGRAPH = 3000
MAX_HEADING = 100
_TOKEN = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")


def editable_text(block: dict) -> str:
    """The text shown in a paragraph's textarea (figures in 【】) or a heading's text."""
    if block["kind"] == "heading":
        return block["text"]
    return "".join(
        f"{OPEN}{span['figure']['text']}{CLOSE}" if is_figure(span) else span["text"]
        for span in block["spans"]
    )


def _clean(text: str, limit: int, what: str) -> str:
    text = clean_text(text or "")
    if len(text) > limit:
        raise DomainError(f"{what}过长：最多{limit}字，现有{len(text)}字。", field="text")
    try:
        validate_plain_text(text)
    except ValidationError as exc:
        raise DomainError(f"{what}{exc.messages[0]}", field="text") from None
    return text


def _check_brackets(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text):
        if ch == OPEN:
            if depth:
                raise DomainError(
                    f"第{i + 1}个字处的“{OPEN}”前一个“{OPEN}”还没有配对的“{CLOSE}”。", field="text"
                )
            depth = 1
        elif ch == CLOSE:
            if not depth:
                raise DomainError(f"第{i + 1}个字处的“{CLOSE}”没有配对的“{OPEN}”。", field="text")
            depth = 0
    if depth:
        raise DomainError(f"最后一个“{OPEN}”没有配对的“{CLOSE}”。", field="text")


@dataclass
class Edited:
    block: dict | None  # None: the text was emptied, the block is removed
    linked: list[dict]  # figures still linked
    unlinked: list[dict]  # figures that became plain text


def apply_edit(block: dict, text: str) -> Edited:
    """The block after the user's edit of its text (see the module docstring). Raises DomainError
    with a Chinese message for text that is too long, has invisible characters or unpaired 【】."""
    if block["kind"] == "heading":
        cleaned = _clean(text, MAX_HEADING, "标题")
        return Edited({**block, "text": cleaned} if cleaned else None, [], [])
    if block["kind"] != "paragraph":
        raise DomainError("表格不能在网页上修改；可导出 Word 后修改。")
    cleaned = _clean(text, MAX_PARAGRAPH, "段落")
    figures = [s["figure"] for s in block["spans"] if is_figure(s)]
    if not cleaned:
        return Edited(None, [], figures)
    _check_brackets(cleaned)
    used: set[str] = set()
    spans: list[dict] = []

    def add_text(t: str) -> None:
        if not t:
            return
        if spans and not is_figure(spans[-1]):
            spans[-1] = text_span(spans[-1]["text"] + t)
        else:
            spans.append(text_span(t))

    pos = 0
    for m in _TOKEN.finditer(cleaned):
        add_text(cleaned[pos : m.start()])
        content = m.group(1)
        match = next((f for f in figures if f["id"] not in used and f["text"] == content.strip()), None)
        if match is None:
            add_text(content)
        else:
            used.add(match["id"])
            spans.append({"figure": match})
        pos = m.end()
    add_text(cleaned[pos:])
    spans = _keep_facts(spans, [s for s in block["spans"] if s.get("fact")])
    linked = [f for f in figures if f["id"] in used]
    unlinked = [f for f in figures if f["id"] not in used]
    return Edited({**block, "spans": spans}, linked, unlinked)


def _keep_facts(spans: list[dict], facts: list[dict]) -> list[dict]:
    """Stated facts (荣誉、排名 from the facts register) stay marked while their text is left as it is."""
    for fact in facts:
        for i, span in enumerate(spans):
            if is_figure(span) or span.get("fact") or fact["text"] not in span["text"]:
                continue
            before, _, after = span["text"].partition(fact["text"])
            spans[i : i + 1] = [s for s in (text_span(before), fact, text_span(after)) if s["text"]]
            break
    return spans


def same_block(a: dict | None, b: dict | None) -> bool:
    """Whether two versions of a block read the same (text and linked figures)."""
    if a is None or b is None:
        return a is b
    if a["kind"] != b["kind"]:
        return False
    if a["kind"] == "heading":
        return a["text"] == b["text"]
    if a["kind"] == "paragraph":
        key = [(span_text(s), s["figure"]["id"] if is_figure(s) else None) for s in a["spans"]]
        return key == [(span_text(s), s["figure"]["id"] if is_figure(s) else None) for s in b["spans"]]
    return a == b
