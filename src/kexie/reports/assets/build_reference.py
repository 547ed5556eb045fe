"""Builds assets/reference.docx, the reference document every generated .docx starts from.

    PYTHONPATH=src .venv/bin/python -m kexie.reports.assets.build_reference

A4 with the 公文 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), the styles of
kexie.reports.wordstyles (East Asian fonts set, fixed 28 pt lines), a page number in the footer, and
font-table entries that tell Word which font to use when 仿宋_GB2312 / 方正小标宋简体 / 楷体_GB2312 are
missing. Commit the result; the tests check its styles.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from lxml import etree

from kexie.reports import wordstyles

REFERENCE = Path(__file__).with_name("reference.docx")


def _page_number_footer(section) -> None:
    """Footer "第 N 页" with a PAGE field, centred."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.add_run("第 ")
    run = paragraph.add_run()
    for xml in (
        f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>',
        f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>',
        f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>',
        f"<w:t {nsdecls('w')}>1</w:t>",
        f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>',
    ):
        run._r.append(parse_xml(xml))
    paragraph.add_run(" 页")


def _font_fallbacks(document) -> None:
    """Add <w:font w:name=…><w:altName w:val=…/> entries to word/fontTable.xml."""
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alt in wordstyles.FALLBACKS.items():
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                root.remove(old)
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build(path: Path = REFERENCE) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    wordstyles.apply_styles(document)
    _page_number_footer(section)
    _font_fallbacks(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    core = document.core_properties
    core.author, core.title, core.comments = "kexie", "工作报告", "kexie 工作报告参考文档（样式）"
    document.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else REFERENCE))
