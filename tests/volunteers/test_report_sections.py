"""The 科技志愿服务 report section: teams and volunteers at the year's end, confirmed hours only."""

import dataclasses
import datetime as dt

import pytest

from kexie.reports import registry
from kexie.reports.catalogue import ANNUAL
from kexie.reports.factcheck.services import map_text
from kexie.reports.generator import generate
from kexie.reports.sections_contests_volunteers import ANNUAL_VOLUNTEERS
from kexie.workflows.services import transition
from tests.contests.test_report_sections import _text

D = dt.date
pytestmark = pytest.mark.django_db


def test_annual_section_counts_confirmed_hours_only(join, held, log_hours, acc, tree, monkeypatch):
    a, b = join("张明"), join("李华")
    r = log_hours(a, held(D(2023, 5, 20), end_date=D(2023, 5, 24)), "105")
    log_hours(b, held(D(2023, 6, 1), title="第二次"), "8")  # waiting: not counted
    transition(access=acc("county_reviewer"), obj=r, code="confirm")
    key = "annual_volunteers_test"
    monkeypatch.setitem(
        registry._TEMPLATES, key, dataclasses.replace(ANNUAL, key=key, sections=(ANNUAL_VOLUNTEERS,))
    )
    text = _text(generate(acc("city_admin"), key, tree["city"], "2023"))
    assert "截至2023年末，全市注册科技志愿服务队1支、注册科技志愿者2人。" in text
    assert "2023年，参与服务志愿者1人，志愿服务时长105小时（只计服务队组建单位确认的时长）。" in text
    assert "按累计服务时长评定，现有一星志愿者1人。" in text
    mapped = {c.text.strip(): c.mapping.indicator for c in map_text(text=text, period="2023")}
    assert mapped["1支"] == "volunteer_teams"
    assert mapped["2人"] == "volunteers_registered"
    assert mapped["105小时"] == "volunteer_hours"
