"""The report body: blocks (headings, paragraphs, tables) whose paragraphs are runs of text and figures.

A body is plain JSON (it is stored as a version's `body`), so the generator, the editor, the renderers
and the fact-checker all read the same structure:

    {"schema": 1, "title": "…",
     "blocks": [
        {"id": "b1", "kind": "heading", "level": 1, "text": "一、科学普及"},
        {"id": "b2", "kind": "paragraph", "spans": [{"text": "全年举办科普活动"}, {"figure": {...}}, {"text": "。"}]},
        {"id": "b3", "kind": "table", "caption": "表1 …", "header": ["单位", …], "rows": [[span, span …], …]},
     ]}

A figure span keeps everything needed to check it and to trace it: the indicator code and name, the
period (and base period for a change), the unit (and parent for a share or rank), the breakdown member,
the value, the phrased text, how it was phrased, the provenance URL and the record count behind it.
Figure kinds: "value" (the engine's value), "share" (a child's share of its parent's total), "rank"
(position among the parent's children), "growth" (relative change vs a base period) and "pp" (change of
a percentage, in percentage points).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SCHEMA = 1
FIGURE_KINDS = ("value", "share", "rank", "growth", "pp")


def text_span(text: str) -> dict:
    return {"text": text}


def is_figure(span: dict) -> bool:
    return "figure" in span


def span_text(span: dict) -> str:
    return span["figure"]["text"] if is_figure(span) else span["text"]


def spans_text(spans: list[dict]) -> str:
    return "".join(span_text(s) for s in spans)


def iter_figures(body: dict) -> Iterator[dict]:
    """Every linked figure of a body, in reading order (paragraphs, then table cells row by row)."""
    for block in body.get("blocks", []):
        if block["kind"] == "paragraph":
            for span in block["spans"]:
                if is_figure(span):
                    yield span["figure"]
        elif block["kind"] == "table":
            for row in block["rows"]:
                for cell in row:
                    if is_figure(cell):
                        yield cell["figure"]


def block_text(block: dict) -> str:
    """A block as plain text: a heading's text, a paragraph's runs, a table as one line per row."""
    if block["kind"] == "heading":
        return block["text"]
    if block["kind"] == "paragraph":
        return spans_text(block["spans"])
    lines = [block.get("caption", "")] if block.get("caption") else []
    lines.append("｜".join(block["header"]))
    lines += ["｜".join(span_text(c) for c in row) for row in block["rows"]]
    return "\n".join(lines)


def plain_text(body: dict) -> str:
    """The whole report as plain text: the title, then each block, separated by blank lines."""
    return "\n\n".join([body["title"], *(block_text(b) for b in body.get("blocks", []))])


@dataclass(frozen=True)
class Located:
    """A figure and where its text sits in `plain_text(body)`."""

    start: int
    end: int
    figure: dict


def text_with_figures(body: dict) -> tuple[str, list[Located]]:
    """`plain_text(body)` and the span of every linked figure in it (for the fact-checker and tests)."""
    parts: list[str] = [body["title"]]
    located: list[Located] = []
    offset = len(body["title"])

    def add(text: str, figure: dict | None = None) -> None:
        nonlocal offset
        if figure is not None:
            located.append(Located(offset, offset + len(text), figure))
        parts.append(text)
        offset += len(text)

    for block in body.get("blocks", []):
        add("\n\n")
        if block["kind"] == "heading":
            add(block["text"])
        elif block["kind"] == "paragraph":
            for span in block["spans"]:
                add(span_text(span), span.get("figure"))
        else:
            first = True
            if block.get("caption"):
                add(block["caption"])
                first = False
            for row in [[{"text": h} for h in block["header"]], *block["rows"]]:
                if not first:
                    add("\n")
                first = False
                for i, cell in enumerate(row):
                    if i:
                        add("｜")
                    add(span_text(cell), cell.get("figure"))
    text = "".join(parts)
    return text, located


def find_block(body: dict, block_id: str) -> dict | None:
    return next((b for b in body.get("blocks", []) if b["id"] == block_id), None)


@dataclass
class Draft:
    """A generated report before (or apart from) being stored: what `generate()` returns.

    `body` is the JSON body described in the module docstring; `plain_text()` is what the
    fact-checker reads; `figures()` lists every linked figure.
    """

    template: str
    unit_id: int
    unit_name: str
    period: str
    options: dict[str, Any] = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    omitted: list[str] = field(default_factory=list)  # titles of sections left out for lack of data

    @property
    def title(self) -> str:
        return self.body["title"]

    def figures(self) -> list[dict]:
        return list(iter_figures(self.body))

    def plain_text(self) -> str:
        return plain_text(self.body)

    def text_with_figures(self) -> tuple[str, list[Located]]:
        return text_with_figures(self.body)
