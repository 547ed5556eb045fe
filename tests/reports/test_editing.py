"""Editing a paragraph: text around figures changes freely, 【figures】 stay linked until retyped."""

import pytest

from kexie.core.errors import DomainError
from kexie.reports.editing import MAX_PARAGRAPH, apply_edit, editable_text


def _fig(fid: str, text: str) -> dict:
    return {"figure": {"id": fid, "code": "popsci_activities", "text": text, "value": 2134}}


PARA = {
    "id": "b2",
    "kind": "paragraph",
    "spans": [
        {"text": "全年举办科普活动"},
        _fig("f1", "2100多场次"),
        {"text": "，比上年"},
        _fig("f2", "增长12.3%"),
        {"text": "。"},
    ],
}


def test_the_editable_text_puts_figures_in_brackets():
    assert editable_text(PARA) == "全年举办科普活动【2100多场次】，比上年【增长12.3%】。"


def test_changing_the_words_keeps_the_figures_linked():
    edited = apply_edit(PARA, "今年共组织各类科普活动【2100多场次】，较上年【增长12.3%】，成效明显。")
    assert [s.get("text") or s["figure"]["id"] for s in edited.block["spans"]] == [
        "今年共组织各类科普活动", "f1", "，较上年", "f2", "，成效明显。"
    ]  # fmt: skip
    assert [f["id"] for f in edited.linked] == ["f1", "f2"]
    assert edited.unlinked == []


def test_a_retyped_or_unbracketed_figure_becomes_plain_text():
    edited = apply_edit(PARA, "全年举办科普活动【2200多场次】，比上年增长12.3%。")
    assert [f["id"] for f in edited.unlinked] == ["f1", "f2"]
    assert all("figure" not in s for s in edited.block["spans"])
    assert edited.block["spans"] == [{"text": "全年举办科普活动2200多场次，比上年增长12.3%。"}]


def test_figures_can_move_within_the_paragraph():
    edited = apply_edit(PARA, "比上年【增长12.3%】的是科普活动，共【2100多场次】。")
    assert [s["figure"]["id"] for s in edited.block["spans"] if "figure" in s] == ["f2", "f1"]


def test_the_same_figure_text_twice_links_once():
    edited = apply_edit(PARA, "【2100多场次】和【2100多场次】")
    assert [s.get("text") or s["figure"]["id"] for s in edited.block["spans"]] == ["f1", "和2100多场次"]


def test_emptying_a_paragraph_removes_it():
    edited = apply_edit(PARA, "  \n ")
    assert edited.block is None
    assert len(edited.unlinked) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("全年【2100多场次", "最后一个“【”没有配对的“】”"),
        ("全年2100多场次】", "第10个字处的“】”没有配对的“【”"),
        ("【全年【2100多场次】】", "前一个“【”还没有配对"),
        ("全年\u200b举办", "不可见的控制字符"),
        ("全年\u202e举办", "不可见的控制字符"),
        ("长" * (MAX_PARAGRAPH + 1), f"最多{MAX_PARAGRAPH}字"),
    ],
)
def test_bad_text_is_refused_with_a_precise_message(text, message):
    with pytest.raises(DomainError) as exc:
        apply_edit(PARA, text)
    assert message in exc.value.message


def test_headings_are_plain_text():
    heading = {"id": "b1", "kind": "heading", "level": 1, "text": "一、科学普及"}
    assert apply_edit(heading, " 一、科学普及工作 ").block["text"] == "一、科学普及工作"
    with pytest.raises(DomainError):
        apply_edit(heading, "标" * 101)


def test_tables_cannot_be_edited_in_the_browser():
    with pytest.raises(DomainError) as exc:
        apply_edit({"id": "b9", "kind": "table", "header": [], "rows": []}, "x")
    assert "导出 Word" in exc.value.message
