"""The 阵地与平台 report sections, hooked into copies of the annual and five-year templates."""

import dataclasses

import pytest

from kexie.reports import registry
from kexie.reports.catalogue import ANNUAL
from kexie.reports.generator import generate
from kexie.reports.sections_registries import ANNUAL_SECTION, FIVE_YEAR_SECTION


def _text(draft) -> str:
    out = []
    for block in draft.body["blocks"]:
        for span in block.get("spans", []):
            out.append(span.get("text") or span.get("figure", {}).get("text", ""))
        if block["kind"] == "heading":
            out.append(f"\n{block['text']}\n")
    return "".join(out)


@pytest.fixture
def with_sites(monkeypatch):
    def _make(base, key, section, period_kinds=None):
        tmpl = dataclasses.replace(
            base,
            key=key,
            sections=(section,),
            **({"period_kinds": period_kinds} if period_kinds else {}),
        )
        monkeypatch.setitem(registry._TEMPLATES, key, tmpl)
        return key

    return _make


def test_annual_section_states_stock_levels_and_new(book, tree, acc, with_sites):
    key = with_sites(ANNUAL, "annual_sites_test", ANNUAL_SECTION)
    text = _text(generate(acc("city_admin"), key, tree["city"], "2024"))
    assert "阵地与平台" in text
    # end of 2024 in 安庆: bases 怀宁二中 (县级), 高河小学 (市级), 桐城中学 (国家级); 一中 revoked in June
    assert "截至2024年末，全市共有科普教育基地3个、院士专家工作站2个。" in text
    assert "国家级1个、市级1个、县级1个" in text
    assert "2024年新认定院士专家工作站1个。" in text


def test_five_year_section(book, tree, acc, with_sites):
    five = registry.template("five_year")
    key = with_sites(five, "five_sites_test", FIVE_YEAR_SECTION)
    text = _text(generate(acc("city_admin"), key, tree["city"], "2021..2025"))
    assert "五年来，全市新认定科普教育基地" in text
    assert "到2025年末，共有" in text


def test_section_left_out_without_designations(tree, acc, with_sites):
    from kexie.core.errors import DomainError

    key = with_sites(ANNUAL, "annual_sites_empty", ANNUAL_SECTION)
    with pytest.raises(DomainError):  # no section has data: nothing is written
        generate(acc("city_admin"), key, tree["city"], "2024")


@pytest.mark.parametrize(("key", "period"), [("annual", "2024"), ("five_year", "2021..2025")])
def test_the_real_templates_write_the_sites_section_and_it_checks_out(book, tree, acc, key, period):
    from kexie.reports.factcheck.services import Verdict, check_text

    access = acc("city_admin")
    draft = generate(access, key, tree["city"], period)
    assert "阵地与平台" in "".join(b["text"] for b in draft.body["blocks"] if b["kind"] == "heading")
    text, _ = draft.text_with_figures()
    result = check_text(access=access, text=text, period=period, unit=tree["city"])
    assert result.counts["inconsistent"] == 0, [
        (c.text, c.indicator.code, c.computed) for c in result.claims if c.verdict == Verdict.INCONSISTENT
    ]
    checked = {c.indicator.code for c in result.claims if c.verdict == Verdict.CONSISTENT}
    assert checked & {"designations", "designations_new", "reg_popsci_base", "reg_workstation"}
