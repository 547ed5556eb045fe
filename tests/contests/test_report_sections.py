"""The 青少年科技教育 and 科技志愿服务 report sections, hooked into copies of the annual and five-year
templates; the five-year sentence reads back through the fact-check to the same indicators."""

import dataclasses
import datetime as dt

import pytest

from kexie.contests import services
from kexie.reports import registry
from kexie.reports.catalogue import ANNUAL
from kexie.reports.factcheck.services import map_text
from kexie.reports.generator import generate
from kexie.reports.sections_contests_volunteers import ANNUAL_CONTESTS, FIVE_YEAR_CONTESTS

D = dt.date
pytestmark = pytest.mark.django_db


def _text(draft) -> str:
    out = []
    for block in draft.body["blocks"]:
        for span in block.get("spans", []):
            out.append(span.get("text") or span.get("figure", {}).get("text", ""))
        if block["kind"] == "heading":
            out.append(f"\n{block['text']}\n")
    return "".join(out)


@pytest.fixture
def only(monkeypatch):
    def _make(base, key, section):
        monkeypatch.setitem(registry._TEMPLATES, key, dataclasses.replace(base, key=key, sections=(section,)))
        return key

    return _make


@pytest.fixture
def results(edition, entry, acc, staff):
    city = edition()
    province = edition("provincial", name="安徽省青少年科技创新大赛", held_on=D(2023, 8, 1))
    a = entry(city, students="张明、李华", prize="first")
    entry(city, students="赵强", title="另一项", school="怀宁县第二中学", prize="third")
    up = services.entry_advance(
        access=acc("county_filler"), actor=staff["county_filler"], entry=a, edition=province
    )
    services.entry_set_prize(
        access=acc("county_filler"), actor=staff["county_filler"], entry=up, prize="second"
    )


def test_annual_section_states_students_schools_entries_and_awards(results, tree, acc, only):
    key = only(ANNUAL, "annual_contests_test", ANNUAL_CONTESTS)
    text = _text(generate(acc("city_admin"), key, tree["city"], "2023"))
    assert "青少年科技教育" in text
    assert (
        "2023年，全市组织学生3人参加青少年科技创新大赛，参赛学校2所，参赛作品3项，获市奖2项、省奖1项。"
        in text
    )


def test_five_year_sentence_reads_back_to_its_indicators(results, tree, acc, only):
    key = only(registry.template("five_year"), "five_contests_test", FIVE_YEAR_CONTESTS)
    text = _text(generate(acc("city_admin"), key, tree["city"], "2019..2023"))
    assert "五年来，全市组织学生3人参加青少年科技创新大赛" in text
    mapped = [(c.text.strip(), c.mapping.indicator) for c in map_text(text=text, period="2019..2023")]
    assert mapped == [
        ("3人", "contest_students"),
        ("2所", "contest_schools"),
        ("3项", "contest_entries"),
        ("2项", "contest_awards_municipal"),
        ("1项", "contest_awards_provincial"),
        ("3项", "contest_awards"),
    ]
