"""Correcting rows with problems on the batch page: the corrections are typed and checked like the
file's own cells, kept on the batch with who made them, applied at commit; the stored file is never
changed, and nothing is written before the whole file is valid."""

from __future__ import annotations

import datetime as dt

import pytest

from kexie.activities.importers import ACTIVITY_SPEC
from kexie.activities.models import Activity
from kexie.core.errors import DomainError
from kexie.imports import services
from kexie.imports.models import ImportBatch
from tests.activities.test_import import HEADER, SHEET, happy_rows, row
from tests.imports.helpers import write_xlsx

D = dt.date


@pytest.fixture
def bad_file(tmp_path, tree):
    rows = happy_rows()
    rows.append(
        row(活动名称="青少年航模比赛", 参与人次="很多", 开始日期=D(2024, 6, 1))
    )  # row 6: not a number
    rows.append(
        row(活动名称="科技之春咨询", 主办单位代码="999999", 开始日期=D(2024, 3, 10))
    )  # row 7: unknown unit
    # a title row, the header on row 2: data rows are 3..7
    return write_xlsx(tmp_path / "有错.xlsx", rows, header=HEADER, sheet=SHEET, title="2024年科普活动台账")


def fix_row(batch: ImportBatch, number: int) -> dict:
    rows = {r["row"]: r for r in batch.preview["fix"]["rows"]}
    return rows[number]


def cell(fix: dict, key: str) -> dict:
    return next(c for c in fix["cells"] if c["key"] == key)


def test_rows_with_problems_are_offered_with_their_cells_and_messages(upload, bad_file):
    batch = upload("county_filler", bad_file)
    assert batch.status == ImportBatch.Status.INVALID
    assert sorted(r["row"] for r in batch.preview["fix"]["rows"]) == [6, 7]
    six = fix_row(batch, 6)
    assert cell(six, "participants")["text"] == "很多"
    assert cell(six, "participants")["problem"]
    assert cell(six, "title")["text"] == "青少年航模比赛"
    assert cell(six, "start_date")["text"] == "2024-06-01"  # a date cell as a person types it
    assert not cell(six, "title")["problem"]
    seven = fix_row(batch, 7)
    assert cell(seven, "org_code")["text"] == "999999"
    assert any("999999" in p for c in seven["cells"] for p in [c["problem"]] + seven["problems"])


def test_correcting_every_problem_validates_and_the_commit_uses_the_corrections(
    access_of, people, upload, commit, bad_file
):
    batch = upload("county_filler", bad_file)
    stored = open(batch.stored_file, "rb").read()
    batch = services.batch_fix(
        access=access_of("county_filler"),
        spec=ACTIVITY_SPEC,
        batch=batch,
        user=people["county_filler"],
        changes={6: {"participants": "300"}, 7: {"org_code": "340822"}},
    )
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    assert not Activity.objects.exists()
    assert [(c["row"], c["old"], c["new"]) for c in batch.corrections_log] == [
        (6, "很多", "300"),
        (7, "999999", "340822"),
    ]
    assert {c["by"] for c in batch.corrections_log} == {people["county_filler"].display_name}
    assert open(batch.stored_file, "rb").read() == stored  # the archived file is as uploaded
    batch = commit("county_filler", batch)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert Activity.objects.count() == 5
    assert Activity.objects.get(title="青少年航模比赛").participants == 300
    assert Activity.objects.get(title="科技之春咨询").org_unit.code == "340822"


def test_a_correction_that_is_still_wrong_keeps_the_batch_invalid_with_the_new_message(
    access_of, people, upload, bad_file
):
    batch = upload("county_filler", bad_file)
    batch = services.batch_fix(
        access=access_of("county_filler"),
        spec=ACTIVITY_SPEC,
        batch=batch,
        user=people["county_filler"],
        changes={6: {"participants": "-5"}, 7: {"org_code": "340822"}},
    )
    assert batch.status == ImportBatch.Status.INVALID
    assert [r["row"] for r in batch.preview["fix"]["rows"]] == [6]
    assert cell(fix_row(batch, 6), "participants")["text"] == "-5"  # the correction is shown again
    assert all(e["row"] == 6 for e in batch.errors)
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({4: {"participants": "1"}}, "第4行不在可更正的行中"),
        ({6: {"nonexistent": "1"}}, "没有“nonexistent”列"),
        ({6: {"participants": "12\u202e3"}}, "不可见的控制字符"),
        ({6: {"title": "长" * 201}}, "不能超过200个字"),
        ({6: {"participants": "很多"}}, "没有修改任何单元格"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_changes(
    access_of, people, upload, bad_file, changes, fragment
):
    batch = upload("county_filler", bad_file)
    with pytest.raises(DomainError, match=fragment):
        services.batch_fix(
            access=access_of("county_filler"),
            spec=ACTIVITY_SPEC,
            batch=batch,
            user=people["county_filler"],
            changes=changes,
        )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.corrections == {}
    assert batch.corrections_log == []


def test_fix_page_flow_and_scope(tree, login, upload, bad_file):
    batch = upload("county_filler", bad_file)
    client = login("county_filler")
    page = client.get(f"/imports/batch/{batch.pk}/").content.decode()
    assert 'data-testid="fix-form"' in page
    assert 'name="fix-6-participants" value="很多"' in page
    response = client.post(
        f"/imports/batch/{batch.pk}/fix/",
        {"fix-6-participants": "300", "fix-7-org_code": "340822"},
        follow=True,
    )
    text = response.content.decode()
    assert "全部数据校验通过" in text
    assert 'data-testid="corrections-log"' in text
    assert 'data-testid="commit"' in text
    # another county's user cannot see or correct the batch
    other = login("outsider")
    assert other.get(f"/imports/batch/{batch.pk}/").status_code == 404
    assert other.post(f"/imports/batch/{batch.pk}/fix/", {"fix-6-participants": "1"}).status_code == 404
    batch.refresh_from_db()
    assert [c["new"] for c in batch.corrections_log] == ["300", "340822"]
