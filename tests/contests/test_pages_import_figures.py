"""Contest pages through the scoping (a sibling county sees nothing), the results-sheet import (all or
nothing, precise messages), and the figures: computed by the engine, each linking to exactly its entries."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse

from kexie.contests import services
from kexie.contests.models import Entry
from kexie.contests.records import ENTRIES
from kexie.core.periods import Period
from kexie.imports import services as imports
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.indicators.engine import evaluate
from kexie.records.filters import FilterForm, filtered
from tests.imports.helpers import write_xlsx

D = dt.date
pytestmark = pytest.mark.django_db
HEADER = ["赛事名称", "姓名", "学校", "学段", "作品名称", "辅导教师", "奖项"]


def _import(tmp_path, access, user, rows):
    content = write_xlsx(tmp_path / "成绩.xlsx", rows, header=HEADER, sheet="成绩").read_bytes()
    spec = get_spec("contest_entries")
    batch = imports.batch_upload(
        access=access,
        user=user,
        spec=spec,
        upload=SimpleUploadedFile("成绩.xlsx", content),
        file_name="成绩.xlsx",
    )
    if batch.status == ImportBatch.Status.VALIDATED:
        batch = imports.batch_commit(access=access, spec=spec, batch=batch, user=user)
    return batch


def test_a_results_sheet_imports_teams_and_prizes(tmp_path, edition, acc, staff):
    ed = edition()
    rows = [
        [ed.name, "张明、李华", "怀宁县实验中学", "初中", "校园雨水回收装置", "王老师", "一等奖"],
        [ed.name, "赵强", "怀宁县第二中学", "高中", "智能灌溉", "", "三等奖"],
        [ed.name, "钱多", "怀宁县第二中学", "高中", "桥梁模型", "", ""],
    ]
    batch = _import(tmp_path, acc("county_filler"), staff["county_filler"], rows)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    first = Entry.objects.get(title="校园雨水回收装置")
    assert (first.prize, first.members.count(), first.org_unit.code) == ("first", 2, "340822")
    # re-importing the sheet with a corrected prize updates, never duplicates
    rows[2][6] = "优秀奖"
    batch = _import(tmp_path, acc("county_filler"), staff["county_filler"], rows)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Entry.objects.count() == 3
    assert Entry.objects.get(title="桥梁模型").prize == "excellence"


def test_a_bad_results_sheet_writes_nothing_and_names_row_and_column(tmp_path, edition, acc, staff):
    ed = edition()
    rows = [
        [ed.name, "张明", "怀宁县实验中学", "初中", "作品一", "", "一等奖"],
        [ed.name, "甲、乙、丙、丁", "怀宁县实验中学", "初中", "作品二", "", ""],
        [ed.name, "赵强", "怀宁县实验中学", "初中、高中", "作品三", "", ""],
        ["没有这届", "孙", "怀宁县实验中学", "初中", "作品四", "", ""],
    ]
    batch = _import(tmp_path, acc("county_filler"), staff["county_filler"], rows)
    assert batch.status != ImportBatch.Status.COMMITTED
    errors = {(e["row"], e.get("column")): e["message"] for e in batch.errors}
    assert "最多3名学生" in errors[(3, "学生姓名")]
    assert "“初中、高中”不是可选值" in errors[(4, "学段")]  # one 学段 per entry: a team shares it
    assert "没有名为“没有这届”的赛事" in errors[(5, "赛事")]
    assert Entry.objects.count() == 0


def test_a_sibling_county_sees_nothing(edition, entry, login, tree):
    e = entry(edition())
    outsider = login("outsider")
    assert outsider.get(reverse("contests:detail", args=[e.pk])).status_code == 404
    listing = outsider.get(reverse("contests:list"))
    assert e.title not in listing.text
    export = outsider.get(reverse("contests:export"))
    assert export.status_code == 200
    assert e.students.encode() not in export.content
    assert outsider.post(reverse("contests:prize", args=[e.pk]), {"prize": "first"}).status_code == 404


def test_advancing_on_the_page_and_the_trail(edition, entry, login):
    city = edition()
    province = edition("provincial", name="安徽省青少年科技创新大赛", held_on=D(2023, 8, 1))
    e = entry(city, prize="first")
    filler = login("county_filler")
    page = filler.get(reverse("contests:detail", args=[e.pk]))
    assert "安徽省青少年科技创新大赛" in page.text  # offered as a target (an edition above the county)
    response = filler.post(reverse("contests:advance", args=[e.pk]), {"edition": province.pk})
    assert response.status_code == 302
    up = Entry.objects.get(advanced_from=e)
    filler.post(reverse("contests:prize", args=[up.pk]), {"prize": "second"})
    page = filler.get(reverse("contests:detail", args=[up.pk]))
    assert "晋级" in page.text
    assert Entry.objects.get(pk=up.pk).prize == "second"


def _linked(declaration, url, access):
    query = QueryDict(urlsplit(url).query)
    form = FilterForm(query, declaration=declaration, access=access)
    assert form.is_valid(), form.errors
    return filtered(declaration, declaration.list_queryset(access=access), form.filters(), access)


def test_figures_count_entries_students_schools_and_awards_by_level(edition, entry, acc, staff, tree):
    city = edition()
    province = edition("provincial", name="省赛", held_on=D(2023, 8, 1))
    a = entry(city, students="张明、李华", prize="first")
    entry(city, students="赵强", title="另一项", school="怀宁县第二中学")
    entry(edition(name="下一届", held_on=D(2024, 5, 1)), students="张明", title="第三项", prize="third")
    up = services.entry_advance(
        access=acc("county_filler"), actor=staff["county_filler"], entry=a, edition=province
    )
    services.entry_set_prize(
        access=acc("county_filler"), actor=staff["county_filler"], entry=up, prize="first"
    )
    access = acc("city_admin")
    codes = ["contest_entries", "contest_awards", "contest_awards_municipal", "contest_awards_provincial",
             "contest_students", "contest_schools"]  # fmt: skip
    result = evaluate(access=access, indicators=codes, periods=["2023", "2023..2024"], unit=tree["city"])
    got = {c: [result.value(c, p).value for p in ("2023", "2023..2024")] for c in codes}
    assert got == {
        "contest_entries": [3, 4],
        "contest_awards": [2, 3],
        "contest_awards_municipal": [1, 2],
        "contest_awards_provincial": [1, 1],
        "contest_students": [3, 3],  # 张明 twice, one person
        "contest_schools": [2, 2],
    }
    link = result.value("contest_awards_provincial", "2023").provenance
    assert [e.pk for e in _linked(ENTRIES, link, access)] == [up.pk]
    # the sibling county's view of the same figure is empty
    other = evaluate(access=acc("outsider"), indicators=["contest_entries"], periods=[Period.parse("2023")])
    assert other.value("contest_entries", "2023").value == 0


def test_the_dashboard_card_links_its_figures_and_stays_out_without_data(edition, entry, login, tree):
    card = reverse("contests:dashboard_card")
    city = login("city_admin")
    assert city.get(card, {"period": "2023"}).content == b""  # no entries: no card
    entry(edition(), prize="first")
    response = city.get(card, {"period": "2023", "unit": tree["city"].pk})
    assert response.status_code == 200
    assert 'data-testid="contests-card"' in response.text
    assert 'href="/contests/?period=2023' in response.text
    assert "市级赛事" in response.text
    assert login("outsider").get(card, {"period": "2023", "unit": tree["city"].pk}).status_code == 404
    assert city.get(card, {"period": "不是期间"}).status_code == 400


def test_the_edition_page_lists_the_schools_taking_part(edition, entry, login):
    ed = edition()
    entry(ed, students="张明、李华")
    entry(ed, students="赵强", title="另一项", school="怀宁县第二中学")
    entry(ed, students="钱多", title="第三项", school="怀宁县第二中学")
    page = login("city_admin").get(reverse("contest_editions:detail", args=[ed.pk]))
    assert page.status_code == 200
    assert "参赛作品" in page.text
    assert "参赛学生 4 名，参与学校 2 所" in page.text
    assert "怀宁县第二中学（2项）" in page.text
    assert "怀宁县实验中学（1项）" in page.text
    # the county can submit to the city's edition but not open its page
    assert login("county_filler").get(reverse("contest_editions:detail", args=[ed.pk])).status_code == 404
