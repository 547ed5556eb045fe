"""Fact pages: list with filters and pagination, create/edit/delete, detail, download — and denial."""

import datetime as dt
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.facts.models import Fact
from kexie.facts.records import FACTS

PAGE_SIZE = FACTS.page_size

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _post_data(tree, **over):
    data = {
        "org_unit": tree["county"].pk,
        "kind": "honour",
        "statement": "全国科普日优秀组织单位",
        "issuer": "中国科协",
        "level": "national",
        "year": "2023",
        "date": "",
        "rank": "",
        "source": "科协办函普字〔2023〕88号",
        "note": "",
    }
    return data | over


def test_list_shows_the_subtree_and_says_what_to_do_when_empty(login, make_fact, tree):
    client = login("county_filler")
    response = client.get(reverse("facts:list"))
    assert "还没有登记任何荣誉、排名或“率先”事实" in response.text
    make_fact()
    make_fact(who="province_sysadmin", org_unit=tree["other_city"], statement="池州的荣誉")
    response = client.get(reverse("facts:list"))
    assert "全国科普日优秀组织单位" in response.text
    assert "池州的荣誉" not in response.text


def test_list_filters_and_reports_bad_filters(login, make_fact):
    make_fact()
    make_fact(
        kind=Fact.Kind.RANKING,
        statement="全省第一名",
        rank=1,
        issuer="",
        level=Fact.Level.PROVINCIAL,
        year=2021,
    )
    client = login("county_filler")
    response = client.get(reverse("facts:list"), {"kind": "ranking"})
    assert "全省第一名" in response.text
    assert "全国科普日优秀组织单位" not in response.text
    response = client.get(reverse("facts:list"), {"year": "2023", "level": "national", "q": "科普日"})
    assert "全国科普日优秀组织单位" in response.text
    assert "全省第一名" not in response.text
    response = client.get(reverse("facts:list"), {"year": "abcd"})
    assert "年份应为四位数字" in response.text
    assert "全国科普日优秀组织单位" not in response.text


def test_list_paginates(login, tree):
    for i in range(PAGE_SIZE + 3):
        Fact.objects.create(
            org_unit=tree["county"], kind="first", statement=f"率先{i}", year=2023, source="通报"
        )
    client = login("county_viewer")
    first = client.get(reverse("facts:list"))
    assert f"共 {PAGE_SIZE + 3} 条，第 1/2 页" in first.text
    second = client.get(reverse("facts:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 3


def test_create_with_a_source_file_then_download_it(login, tree):
    client = login("county_filler")
    upload = SimpleUploadedFile("通报.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("facts:create"), _post_data(tree, source_upload=upload))
    fact = Fact.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("facts:detail", args=[fact.pk])
    detail = client.get(response.url)
    assert "通报.pdf" in detail.text
    assert "科协办函普字〔2023〕88号" in detail.text
    download = client.get(reverse("facts:source", args=[fact.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_create_shows_the_services_message_on_the_field(login, tree):
    client = login("county_filler")
    response = client.post(reverse("facts:create"), _post_data(tree, issuer=""))
    assert response.status_code == 400
    assert "荣誉须填写授予单位" in response.text
    assert not Fact.objects.exists()


def test_create_refuses_an_out_of_scope_unit(login, tree):
    client = login("county_filler")
    response = client.post(reverse("facts:create"), _post_data(tree, org_unit=tree["other_city"].pk))
    assert response.status_code == 400
    assert "所选单位不在您的填报范围内" in response.text
    assert not Fact.objects.exists()


def test_viewers_cannot_create(login):
    assert login("county_viewer").get(reverse("facts:create")).status_code == 404


def test_edit_and_delete(login, make_fact, tree):
    fact = make_fact()
    client = login("county_filler")
    page = client.get(reverse("facts:edit", args=[fact.pk]))
    assert page.context["form"]["issuer"].value() == "中国科协"
    assert page.context["form"]["org_unit"].value() == tree["county"].pk
    version = page.context["form"]["_version"].value()
    response = client.post(
        reverse("facts:edit", args=[fact.pk]),
        _post_data(tree, statement="全国科普日优秀组织单位（复评）", date="2023-09-30", _version=version),
    )
    assert response.status_code == 302
    fact.refresh_from_db()
    assert fact.statement == "全国科普日优秀组织单位（复评）"
    assert fact.date == dt.date(2023, 9, 30)
    history = client.get(reverse("facts:detail", args=[fact.pk]))
    assert "全国科普日优秀组织单位 → 全国科普日优秀组织单位（复评）" in history.text
    refused = client.post(reverse("facts:delete", args=[fact.pk]), {})
    assert "请勾选确认后再删除" in refused.text
    assert Fact.objects.filter(pk=fact.pk).exists()
    deleted = client.post(reverse("facts:delete", args=[fact.pk]), {"confirm": "on"})
    assert deleted.status_code == 302
    assert not Fact.objects.filter(pk=fact.pk).exists()


@pytest.mark.parametrize("name", ["detail", "source", "edit", "delete"])
def test_out_of_scope_pages_are_404_and_logged(login, make_fact, name, caplog):
    fact = make_fact(source_upload=SimpleUploadedFile("通报.pdf", PDF))
    for who in ("outsider", "township_filler"):
        with caplog.at_level(logging.WARNING, logger="kexie.security"):
            response = login(who).get(reverse(f"facts:{name}", args=[fact.pk]))
        assert response.status_code == 404, who
        assert "全国科普日优秀组织单位" not in response.text
    assert "scope denial" in caplog.text


@pytest.mark.parametrize("name", ["edit", "delete"])
def test_viewers_in_scope_cannot_change(login, make_fact, name):
    fact = make_fact()
    assert login("county_viewer").get(reverse(f"facts:{name}", args=[fact.pk])).status_code == 404
    assert login("county_viewer").get(reverse("facts:detail", args=[fact.pk])).status_code == 200


def test_anonymous_users_are_sent_to_login(client, make_fact):
    fact = make_fact()
    for url in (reverse("facts:list"), reverse("facts:detail", args=[fact.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


def test_the_import_page_and_template_use_the_export_columns(login, make_fact):
    import io

    from python_calamine import CalamineWorkbook

    client = login("county_filler")
    assert client.get(reverse("facts:import")).url == reverse("imports:upload", args=["facts"])
    page = client.get(reverse("imports:upload", args=["facts"]))
    assert page.status_code == 200
    assert "批量导入荣誉与排名" in page.text
    template = client.get(reverse("imports:template", args=["facts"]))
    header = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0).to_python()[0]
    make_fact()
    export = client.get(reverse("facts:export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert next(r for r in rows if "表述" in r) == header
