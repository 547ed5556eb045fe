"""The user guide (docs/用户手册.md) as a page: Markdown rendered by markdown-it-py with raw HTML off,
so whatever the file holds is shown as text, never run; headings get ids and a table of contents.

Every feature appends its own `##` section to the guide; a page may link to its section with
`help_url(path)` (the header's 帮助 link does), by the section's heading text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

GUIDE_NAME = "用户手册.md"

# "js-default": CommonMark plus tables and strikethrough, raw HTML disabled (escaped as text);
# markdown-it's link validation drops javascript:, vbscript:, file: and non-image data: URLs.
_MD = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Guide:
    title: str
    html: SafeString
    toc: tuple[Heading, ...] = field(default_factory=tuple)

    def has_section(self, text: str) -> bool:
        return any(h.text == text for h in self.toc)


def guide_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / GUIDE_NAME


def _anchor(text: str, used: set[str]) -> str:
    base = re.sub(r"\s+", "-", text.strip()) or "section"
    base = re.sub(r"[\"'<>&#%?/\\]", "", base) or "section"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def _plain(inline) -> str:
    """The text of a heading's inline token, without its Markdown marks."""
    return "".join(
        child.content for child in (inline.children or []) if child.type in ("text", "code_inline")
    )


def render_markdown(text: str) -> Guide:
    """Render Markdown safely; the first level-1 heading becomes the title (not repeated in the body),
    level-2 and level-3 headings get ids and make the table of contents."""
    tokens = _MD.parse(text)
    title, toc, used = "", [], set()
    skip: set[int] = set()
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1])
        heading_text = _plain(tokens[i + 1])
        if level == 1 and not title:
            title = heading_text
            skip.update({i, i + 1, i + 2})
            continue
        anchor = _anchor(heading_text, used)
        token.attrSet("id", anchor)
        if level in (2, 3):
            toc.append(Heading(level=level, text=heading_text, anchor=anchor))
    kept = [t for i, t in enumerate(tokens) if i not in skip]
    html = _MD.renderer.render(kept, _MD.options, {})
    return Guide(title=title or "用户手册", html=mark_safe(html), toc=tuple(toc))  # noqa: S308 (escaped by markdown-it)


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> Guide:
    return render_markdown(Path(path).read_text(encoding="utf-8"))


def load_guide() -> Guide | None:
    """The guide as it is on disk now (re-rendered when the file changes); None when it is missing."""
    path = guide_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _cached(str(path), mtime)


# which guide section a page belongs to: URL prefix → heading text (the longest prefix wins)
SECTION_OF_PATH = {
    "/orgs/users": "入门",
    "/orgs/": "组织机构",
    "/activities/": "科普活动",
    "/imports/": "批量导入",
    "/analytics/": "统计分析",
    "/indicators/": "统计分析",
    "/reports/factcheck": "数字核对",
    "/reports/": "工作报告",
    "/facts/": "荣誉与排名",
    "/people/": "人员与任职",
    "/posts/": "人员与任职",
    "/contests/": "青少年科技创新大赛",
    "/volunteers/": "科技志愿服务",
}


def help_url(path: str) -> str:
    """The help page, at the section about the page at `path` when the guide has one."""
    url = reverse("web:help")
    guide = load_guide()
    for prefix in sorted(SECTION_OF_PATH, key=len, reverse=True):
        if path.startswith(prefix):
            heading = SECTION_OF_PATH[prefix]
            if guide is not None:
                for h in guide.toc:
                    if h.text == heading:
                        return f"{url}#{h.anchor}"
            break
    return url
