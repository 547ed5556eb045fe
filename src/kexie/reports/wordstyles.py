"""The Word styles of generated reports, after the official-document format (公文, GB/T 9704-2012),
and the one helper that sets East Asian fonts.

python-docx's `font.name` sets only the Latin font slots (w:ascii, w:hAnsi), not w:eastAsia, so Word
would fall back to another font for the Chinese text; and Word's built-in heading styles name *theme*
fonts, which win over named ones. `set_fonts` sets all three slots and removes the theme attributes.

The styles live in a reference document (assets/reference.docx) built by
`python -m kexie.reports.assets.build_reference`; every report starts from a copy of it.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

# 字号 (Chinese font sizes) in points
ERHAO = 22  # 二号: the document title
SANHAO = 16  # 三号: body text and headings
SIHAO = 14
XIAOSI = 12  # 小四: table text
WUHAO = 10.5  # 五号: appendix table

TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
# Fonts Word substitutes when the named one is missing (written as w:altName in the font table).
FALLBACKS = {TITLE_FONT: "黑体", BODY_FONT: "仿宋", HEADING2_FONT: "楷体"}

LINE_SPACING = Pt(28)  # fixed 28 pt: 22 lines of 28 characters on an A4 page, as GB/T 9704 asks

TABLE_STYLE = "报告表格文字"
APPENDIX_STYLE = "附表文字"
CAPTION_STYLE = "Caption"


def set_fonts(target, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a style or run (rPr/rFonts), dropping theme fonts."""
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


def east_asian_font(style) -> str | None:
    """The w:eastAsia font a style names (None when it names none), for tests and checks."""
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _first_line_indent_chars(paragraph_format, chars: int) -> None:
    """Indent the first line by `chars` characters (w:firstLineChars), whatever the font size."""
    ppr = paragraph_format.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = ppr.makeelement(qn("w:ind"), {})
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), "0")


def _paragraph_style(
    style,
    *,
    font: str,
    size: float,
    bold: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_chars: int = 0,
    line: Pt | None = LINE_SPACING,
    before: float = 0,
    after: float = 0,
) -> None:
    set_fonts(style, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if indent_chars:
        _first_line_indent_chars(fmt, indent_chars)
    else:
        fmt.first_line_indent = Pt(0)


def apply_styles(document) -> None:
    """Define every style a report uses on `document` (the reference document)."""
    from docx.enum.style import WD_STYLE_TYPE

    styles = document.styles
    _paragraph_style(styles["Normal"], font=BODY_FONT, size=SANHAO, indent_chars=2)
    _paragraph_style(
        styles["Title"], font=TITLE_FONT, size=ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), after=28
    )
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):  # Word's Title has a rule under it; 公文 titles do not
        title_ppr.remove(border)
    _paragraph_style(styles["Heading 1"], font=HEADING1_FONT, size=SANHAO, indent_chars=2)
    _paragraph_style(styles["Heading 2"], font=HEADING2_FONT, size=SANHAO, indent_chars=2)
    _paragraph_style(
        styles[CAPTION_STYLE],
        font=HEADING1_FONT,
        size=XIAOSI,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=None,
        before=6,
        after=6,
    )
    for name, size in ((TABLE_STYLE, XIAOSI), (APPENDIX_STYLE, WUHAO)):
        style = (
            styles[name]
            if name in [s.name for s in styles]
            else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        )
        style.base_style = styles["Normal"]
        _paragraph_style(style, font=BODY_FONT, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    _paragraph_style(
        styles["Footer"], font=LATIN_FONT, size=SIHAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None
    )
