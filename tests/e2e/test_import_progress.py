"""The batch page of a running background import polls its progress card with htmx (no inline script),
shows rows done / total as they move, and reloads itself once when the batch is finished."""

import pytest
from playwright.sync_api import Page, expect

from kexie.imports.models import ImportBatch
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_progress_moves_and_the_page_shows_the_outcome_when_done(page: Page, live_server, tree, people):
    batch = ImportBatch.objects.create(
        spec="activities",
        org_unit=tree["county"],
        created_by=people["county_filler"],
        file_name="大台账.xlsx",
        file_sha256="0" * 64,
        file_size=5_000_000,
        status=ImportBatch.Status.COMMITTING,
        phase=ImportBatch.Phase.CHECKING,
        rows_total=60_000,
        rows_done=2_000,
        progress_total=60_000,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("county_filler")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("active-unit")).to_be_visible()

    page.goto(f"{live_server.url}/imports/batch/{batch.pk}/")
    expect(page.get_by_test_id("batch-rows-done")).to_have_text("2000 / 60000 行")
    expect(page.get_by_test_id("cancel")).to_be_visible()

    ImportBatch.objects.filter(pk=batch.pk).update(phase=ImportBatch.Phase.WRITING, rows_done=30_000)
    expect(page.get_by_test_id("batch-phase")).to_contain_text("正在写入数据库", timeout=5000)
    expect(page.get_by_test_id("batch-rows-done")).to_have_text("30000 / 60000 行")

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.COMMITTED, phase="", rows_created=60_000, rows_done=60_000
    )
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入", timeout=5000)  # reloaded once
    expect(page.get_by_test_id("batch-progress")).to_have_count(0)
    expect(page.get_by_test_id("rollback")).to_be_visible()
