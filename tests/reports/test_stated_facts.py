"""荣誉与排名: facts from the facts register are repeated as stated, cited in the appendix, scoped."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from kexie.facts.models import Fact
from kexie.reports.editing import apply_edit, editable_text
from kexie.reports.exports import FACTS_HEADER, fact_rows, render_docx
from kexie.reports.generator import generate


@pytest.fixture
def facts(tree, activities):
    def make(unit, statement, year, **extra):
        return Fact.objects.create(
            org_unit=unit,
            kind="honour",
            statement=statement,
            year=year,
            source="皖科协函〔2024〕12号",
            **extra,
        )

    return [
        make(
            tree["county"],
            "获评全国科普日优秀组织单位",
            2024,
            date=dt.date(2024, 11, 5),
            issuer="中国科协",
            level="national",
        ),
        make(tree["township"], "高河镇科协获评省级科普示范乡镇", 2024, issuer="安徽省科协"),
        make(tree["county"], "获评全国科普日优秀组织单位", 2023),  # another year
        make(tree["other_county"], "贵池区科协全省率先完成换届", 2024),  # another subtree
    ]


def test_facts_of_the_period_and_subtree_are_written_as_stated(tree, people, access_of, facts):
    draft = generate(access_of("county_filler"), "annual", tree["county"], "2024")
    headings = [b["text"] for b in draft.body["blocks"] if b["kind"] == "heading"]
    assert headings[-1].endswith("、荣誉与排名")
    text = draft.plain_text()
    assert "2024年11月5日，获评全国科普日优秀组织单位。" in text
    assert "2024年，高河镇科协获评省级科普示范乡镇。" in text  # the statement names the unit already
    assert "贵池区" not in text
    assert "2023年，获评全国科普日优秀组织单位" not in text
    rows = fact_rows(draft.body)
    assert [r[1] for r in rows] == ["获评全国科普日优秀组织单位", "高河镇科协获评省级科普示范乡镇"]
    assert rows[0][5] == "皖科协函〔2024〕12号"
    facts_at = next(i for i, b in enumerate(draft.body["blocks"]) if b.get("text", "").endswith("荣誉与排名"))
    fact_spans = [s for b in draft.body["blocks"][facts_at + 1 :] for s in b["spans"]]
    assert not any("figure" in s for s in fact_spans)  # stated, never computed: not in the figures appendix


def test_the_docx_cites_the_facts_and_an_edit_keeps_them_marked(tree, people, access_of, facts):
    draft = generate(access_of("county_filler"), "annual", tree["county"], "2024")
    document = Document(io.BytesIO(render_docx(draft.body)))
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == FACTS_HEADER
    assert len(table.rows) == 1 + 2
    block = next(b for b in draft.body["blocks"] if any(s.get("fact") for s in b.get("spans", [])))
    edited = apply_edit(block, "经核实，" + editable_text(block))
    assert [s["text"] for s in edited.block["spans"] if s.get("fact")] == ["获评全国科普日优秀组织单位"]
    retyped = apply_edit(block, editable_text(block).replace("优秀组织单位", "先进单位"))
    assert not any(s.get("fact") for s in retyped.block["spans"])


def test_no_facts_no_section(tree, people, access_of, activities):
    draft = generate(access_of("county_filler"), "annual", tree["county"], "2024")
    assert "荣誉与排名" in draft.omitted
