"""manage.py factcheck: the fact-check in batch, one JSON object (or text line) per figure."""

from __future__ import annotations

import datetime as dt
import io
import json

import docx
import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_activity

KEYS = [
    "file", "start", "end", "text", "kind", "value", "low", "high", "unit", "qualifier", "indicator",
    "indicator_name", "period", "unit_code", "verdict", "computed", "reason",
]  # fmt: skip
# (注册会员: a figure no indicator counts; 注册志愿者 maps since issue 11)
TEXT = "2024年，全县共举办科普活动5场次，参与群众300余人次；注册会员1300多名。"


def _run(*args) -> str:
    out = io.StringIO()
    call_command("factcheck", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "总结.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_without_a_unit_it_maps_every_figure_and_needs_no_records(draft):
    rows = [
        json.loads(line) for line in _run(str(draft), "--period", "2024", "--format", "json").splitlines()
    ]
    assert [list(row) for row in rows] == [KEYS] * 3
    first = rows[0]
    assert (first["file"], first["text"], TEXT[first["start"] : first["end"]]) == (
        str(draft),
        "5场次",
        "5场次",
    )
    assert (first["value"], first["low"], first["high"], first["unit"], first["qualifier"]) == (
        "5", "5", "6", "场次", ""
    )  # fmt: skip
    assert (first["indicator"], first["indicator_name"], first["period"]) == (
        "popsci_activities",
        "科普活动场次",
        "2024",
    )
    assert (first["verdict"], first["computed"], first["unit_code"]) == ("unchecked", None, None)
    assert (rows[1]["indicator"], rows[1]["low"], rows[1]["high"]) == ("popsci_participants", "300", "400")
    assert rows[2]["indicator"] is None
    assert rows[2]["reason"]


def test_with_a_unit_it_computes_each_figure_for_the_subtree(draft, tree):
    for i in range(5):
        make_activity(tree["county"], f"讲座{i}", dt.date(2024, 3, 1 + i), participants=40)
    rows = [
        json.loads(line) for line in _run(str(draft), "--unit", "340822", "--period", "2024").splitlines()
    ]
    assert [(r["text"], r["verdict"], r["computed"], r["unit_code"]) for r in rows[:2]] == [
        ("5场次", "consistent", "5", "340822"),
        ("300余人次", "inconsistent", "200", "340822"),
    ]


def test_it_reads_docx_and_prints_text_for_people(tmp_path, tree):
    document = docx.Document()
    document.add_paragraph("全年举办学术交流活动12场次。")
    path = tmp_path / "报告.docx"
    document.save(path)
    out = _run(str(path), "--period", "2024", "--format", "text")
    assert "12场次" in out
    assert "学术交流活动场次（academic_activities）· 2024" in out


def test_bad_input_is_refused_with_a_message(tmp_path, tree, draft):
    with pytest.raises(CommandError, match="找不到文件"):
        _run(str(tmp_path / "nope.txt"))
    with pytest.raises(CommandError, match="没有机构代码为“999”的单位"):
        _run(str(draft), "--unit", "999")
    other = tmp_path / "a.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=r"只能读取 \.txt 或 \.docx"):
        _run(str(other))
