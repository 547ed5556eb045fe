"""The registries' pages come from their declarations on the record layer: designation list with the
engine's link parameters, detail with the lifecycle panel and attachments, create/edit with the
services' messages and the lost-update refusal, grades, export → import, facilities."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kexie.imports import services as imports
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from kexie.registries import services
from kexie.registries.models import Designation, Facility, Level, Programme
from tests.factories import make_user

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def base(people, tree):
    """a designation of 怀宁县 granted 2023-06-01 (市级科普教育基地 held by a school)."""

    def _make(who="county_filler", **over):
        data = {
            "org_unit": tree["county"],
            "programme": Programme.objects.get(code="popsci_base"),
            "level": Level.MUNICIPAL,
            "holder_kind": "school",
            "holder_name": "怀宁县第一中学",
            "holder_region_code": "340822",
            "granted_on": dt.date(2023, 6, 1),
            "document_no": "宜科协〔2023〕1号",
        }
        return services.designation_create(
            access=access_for(people[who]),
            actor=people[who],
            data=services.DesignationData(**(data | over)),
            granted=True,
        )

    return _make


def _post(tree, **over):
    data = {
        "org_unit": tree["county"].pk,
        "programme": Programme.objects.get(code="popsci_base").pk,
        "level": "municipal",
        "national_category": "",
        "holder_unit": "",
        "holder_kind": "school",
        "holder_name": "怀宁县实验中学",
        "holder_region_code": "340822",
        "holder_address": "",
        "issuer": "",
        "batch": "",
        "document_no": "",
        "applied_on": "",
        "granted_on": "",
        "valid_until": "",
        "note": "",
    }
    return data | over


def test_the_list_reads_the_engine_link_parameters(login, base, tree):
    base()
    base(
        who="province_sysadmin",
        holder_name="安庆科技馆",
        level=Level.PROVINCIAL,
        granted_on=dt.date(2021, 3, 1),
        org_unit=tree["city"],
        holder_region_code="340800",
    )
    client = login("city_admin")
    both = client.get(
        reverse("registries:list"), {"level": "municipal,provincial", "programme": "popsci_base"}
    )
    assert both.status_code == 200
    assert "怀宁县第一中学" in both.text
    assert "安庆科技馆" in both.text
    granted_2023 = client.get(reverse("registries:list"), {"period": "2023年", "unit": tree["city"].pk})
    assert "怀宁县第一中学" in granted_2023.text
    assert "安庆科技馆" not in granted_2023.text
    own = client.get(reverse("registries:list"), {"unit": tree["city"].pk, "own": "1"})
    assert "安庆科技馆" in own.text
    assert "怀宁县第一中学" not in own.text
    before = client.get(reverse("registries:list"), {"at": "2023-05-31"})
    assert "安庆科技馆" in before.text
    assert "怀宁县第一中学" not in before.text
    bad = client.get(reverse("registries:list"), {"level": "national,galactic"})
    assert bad.status_code == 400
    assert "“galactic”不是可选的级别" in bad.text


def test_create_an_application_then_the_detail_shows_the_lifecycle_panel(login, tree):
    client = login("county_filler")
    response = client.post(reverse("registries:create"), _post(tree))
    assert response.status_code == 302, response.text[:2000]
    designation = Designation.objects.get()
    assert designation.state == "draft"
    detail = client.get(response.url)
    assert "怀宁县实验中学" in detail.text
    assert "申报书" in detail.text
    assert "牌匾照片" in detail.text
    assert "变更历史" in detail.text
    assert 'data-testid="workflow-panel"' in detail.text
    assert 'data-testid="workflow-state">草稿<' in detail.text
    assert 'data-testid="transition-submit"' in detail.text


def test_the_services_messages_land_on_the_form_with_400(login, tree):
    client = login("county_filler")
    national = client.post(reverse("registries:create"), _post(tree, level="national"))
    assert national.status_code == 400
    assert "国家级称号由系统外单位认定" in national.text
    granted_without_number = client.post(
        reverse("registries:create"), _post(tree, granted="on", granted_on="2024-06-01")
    )
    assert granted_without_number.status_code == 400
    assert "已认定的称号须填写认定文件的文号" in granted_without_number.text
    assert not Designation.objects.exists()


def test_two_people_editing_one_designation_the_second_is_refused_with_the_diff(login, base, tree, people):
    designation = base()
    other = make_user("county_filler_2", tree["county"], Role.FILLER, full_name="王五")
    first = login("county_filler")
    from django.test import Client

    second = Client()
    second.force_login(other)
    version = first.get(reverse("registries:edit", args=[designation.pk])).context["form"]["_version"].value()
    common = {"granted_on": "2023-06-01", "document_no": "宜科协〔2023〕1号"}
    assert (
        second.post(
            reverse("registries:edit", args=[designation.pk]),
            _post(tree, holder_name="怀宁县第一中学", batch="第三批", _version=version, **common),
        ).status_code
        == 302
    )
    refused = first.post(
        reverse("registries:edit", args=[designation.pk]),
        _post(tree, holder_name="怀宁县第一中学", note="改", _version=version, **common),
    )
    assert refused.status_code == 409
    assert "王五" in refused.text
    assert "批次：（空） → 第三批" in refused.text


def test_a_grade_for_a_year_before_the_designation_is_refused_in_chinese(login, base):
    designation = base()
    client = login("county_filler")
    refused = client.post(
        reverse("registries:grade", args=[designation.pk]), {"year": "2022", "grade": "good"}
    )
    assert refused.status_code == 400
    assert "评估年度2022年早于认定年份2023年" in refused.text
    ok = client.post(reverse("registries:grade", args=[designation.pk]), {"year": "2024", "grade": "good"})
    assert ok.status_code == 302
    designation.refresh_from_db()
    assert designation.latest_grade == "good"


def test_attachments_are_checked_by_slot_and_only_in_scope(login, base):
    designation = base()
    client = login("county_filler")
    url = reverse("registries:attach", args=[designation.pk])
    ok = client.post(url, {"slot": "application", "file": SimpleUploadedFile("申报书.pdf", PDF)})
    assert ok.status_code == 302
    wrong = client.post(url, {"slot": "plaque", "file": SimpleUploadedFile("牌匾.pdf", PDF)})
    assert wrong.status_code == 400
    assert "牌匾照片只能上传" in wrong.text
    detail = client.get(reverse("registries:detail", args=[designation.pk]))
    assert "申报书.pdf" in detail.text
    attachment_id = detail.context["attachments"][0][1][0].pk
    download = client.get(reverse("registries:attachment", args=[designation.pk, attachment_id]))
    assert b"".join(download.streaming_content) == PDF
    outsider = login("outsider").get(reverse("registries:attachment", args=[designation.pk, attachment_id]))
    assert outsider.status_code == 404


def test_the_export_reimports_into_the_same_designations(login, base, people):
    base()
    content = login("county_filler").get(reverse("registries:export")).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = next(r for r in rows if "称号/平台" in r)
    assert [c for c in header if c] == [c.label for c in get_spec("designations").columns]
    access = access_for(people["county_filler"])
    batch = imports.batch_upload(
        access=access,
        user=people["county_filler"],
        spec=get_spec("designations"),
        upload=SimpleUploadedFile("基地.xlsx", content),
        file_name="基地.xlsx",
    )
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    batch = imports.batch_commit(
        access=access, spec=get_spec("designations"), batch=batch, user=people["county_filler"]
    )
    assert (batch.rows_created, batch.rows_updated) == (0, 1), batch.errors
    assert Designation.objects.count() == 1


def test_facilities_have_list_detail_and_form(login, tree):
    client = login("county_filler")
    response = client.post(
        reverse("facilities:create"),
        {
            "org_unit": tree["county"].pk,
            "kind": "gallery",
            "name": "高河镇科普画廊",
            "opened_on": "2024-03-01",
            "region_code": "",
            "address": "",
            "area_m2": "",
            "closed_on": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.text[:1500]
    facility = Facility.objects.get()
    listing = client.get(reverse("facilities:list"), {"kind": "gallery", "period": "2024上半年"})
    assert "高河镇科普画廊" in listing.text
    assert client.get(reverse("facilities:detail", args=[facility.pk])).status_code == 200
    assert login("outsider").get(reverse("facilities:detail", args=[facility.pk])).status_code == 404


def test_every_engine_link_parameter_is_a_declared_filter_of_the_list():
    from kexie.indicators.registry import record_type
    from kexie.registries.records import DESIGNATIONS

    filters = {f.name: f for f in DESIGNATIONS.filters}
    for param in record_type("designation").link.params:
        declared = filters[param.name]
        # "…__isnull" is the breakdown member of records without one (grade=none, region=none)
        allowed = (declared.lookup, f"{declared.lookup}__in", f"{declared.lookup}__isnull")
        assert param.lookup in allowed, param


@pytest.mark.parametrize(("code", "period"), [("designations", "2023"), ("designations_new", "2023")])
def test_a_figure_links_to_exactly_its_designations(login, base, tree, people, code, period):
    from kexie.indicators.engine import evaluate

    base()
    base(
        who="province_sysadmin",
        holder_name="安庆科技馆",
        granted_on=dt.date(2021, 3, 1),
        org_unit=tree["city"],
        holder_region_code="340800",
    )
    base(holder_name="高河镇中学", granted_on=dt.date(2024, 2, 1), document_no="宜科协〔2024〕2号")
    result = evaluate(
        access=access_for(people["city_admin"]), indicators=[code], periods=[period], unit=tree["city"]
    )
    value = result.value(code, period)
    listing = login("city_admin").get(value.provenance)
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == value.value


def test_the_navigation_opens_the_lists_filtered_by_programme(login):
    client = login("county_viewer")
    response = client.get(reverse("registries:list"), {"programme": "haizhi_base,haizhi_station"})
    assert response.status_code == 200
    assert "没有符合筛选条件的阵地与平台" in response.text
    home = client.get("/")
    assert "/registries/?programme=academician_station" in home.text


def test_the_list_totals_come_from_the_engine_for_the_same_filters(login, base, tree):
    base()
    base(holder_name="高河镇中学", granted_on=dt.date(2024, 2, 1), document_no="宜科协〔2024〕2号")
    base(
        holder_name="怀宁县科技馆",
        programme=Programme.objects.get(code="scientist_spirit_base"),
        granted_on=dt.date(2023, 8, 1),
        document_no="宜科协〔2023〕9号",
    )
    client = login("county_viewer")
    page = client.get(reverse("registries:list"), {"period": "2023年", "programme": "popsci_base"})
    totals = dict(page.context["totals"])
    assert totals["新认定"].value == page.context["page"].paginator.count == 1
    assert totals["期末有效"].value == 1
    linked = client.get(totals["期末有效"].provenance)
    assert linked.context["page"].paginator.count == 1
    assert totals["新认定"].period.label == "2023年"
    assert client.get(reverse("registries:list"), {"programme": "popsci_base"}).context["totals"] == []


def test_a_designation_list_import_is_all_or_nothing_with_precise_messages(tmp_path, people, tree):
    from tests.imports.helpers import write_xlsx

    Programme.objects.filter(code="kechuang_anhui").update(first_year=2021, last_year=2022)
    header = ["管理单位代码", "称号/平台", "级别", "承担单位类型", "承担单位名称", "文号", "认定日期"]
    rows = [
        [
            tree["county"].code,
            "科普教育基地",
            "市级",
            "学校",
            "怀宁县第一中学",
            "宜科协〔2023〕1号",
            dt.date(2023, 6, 1),
        ],
        [
            tree["other_city"].code,
            "科普教育基地",
            "市级",
            "学校",
            "池州一中",
            "池科协〔2023〕1号",
            dt.date(2023, 6, 1),
        ],
        [
            tree["county"].code,
            "科普教育基地",
            "市级",
            "学校",
            "怀宁县第一中学",
            "宜科协〔2023〕1号",
            dt.date(2023, 6, 1),
        ],
        [
            tree["county"].code,
            "科创安徽试点",
            "市级",
            "企业",
            "某公司",
            "宜科协〔2024〕3号",
            dt.date(2024, 3, 1),
        ],
        [tree["county"].code, "星际基地", "市级", "学校", "某校", "宜科协〔2024〕4号", dt.date(2024, 3, 1)],
    ]
    content = write_xlsx(tmp_path / "d.xlsx", rows, header=header, sheet="基地").read_bytes()
    access = access_for(people["county_filler"])
    batch = imports.batch_upload(
        access=access,
        user=people["county_filler"],
        spec=get_spec("designations"),
        upload=SimpleUploadedFile("基地.xlsx", content),
        file_name="基地.xlsx",
    )
    assert batch.status == ImportBatch.Status.INVALID
    by_row = {e["row"]: e["message"] for e in batch.errors}
    assert "不在您的填报范围内" in by_row[3]
    assert "与第2行重复" in by_row[4]
    assert "只在2021年至2022年有效" in by_row[5]
    assert "没有名为“星际基地”的称号/平台" in by_row[6]
    assert 2 not in by_row
    assert not Designation.objects.exists()


def test_a_mobile_facility_records_its_trips_and_overlaps_are_refused(login, tree, people):
    facility = services.facility_create(
        access=access_for(people["county_filler"]),
        actor=people["county_filler"],
        data=services.FacilityData(org_unit=tree["county"], kind="caravan", name="怀宁县科普大篷车"),
    )
    client = login("county_filler")
    url = reverse("facilities:trip", args=[facility.pk])
    trip = {
        "place": "高河镇",
        "start_on": "2024-05-01",
        "end_on": "2024-05-03",
        "visitors": "1200",
        "events": "",
    }
    assert client.post(url, trip).status_code == 302
    overlap = client.post(url, trip | {"place": "石牌镇", "start_on": "2024-05-02"})
    assert overlap.status_code == 400
    assert "巡展时间重叠" in overlap.text
    detail = client.get(reverse("facilities:detail", args=[facility.pk]))
    assert "高河镇" in detail.text
    assert "石牌镇" not in detail.text


def test_an_academician_beyond_the_cap_is_refused_naming_the_stations(login, base):
    station = base(
        programme=Programme.objects.get(code="academician_station"),
        holder_name="安徽某企业",
        holder_kind="enterprise",
    )
    other = base(
        programme=Programme.objects.get(code="academician_station"),
        holder_name="安庆某企业",
        holder_kind="enterprise",
    )
    client = login("county_filler")
    expert = {"name": "张三", "academy": "cas", "joined_on": "2024-01-01"}
    assert client.post(reverse("registries:expert", args=[station.pk]), expert).status_code == 302
    refused = client.post(reverse("registries:expert", args=[other.pk]), expert)
    assert refused.status_code == 400
    assert "已受聘于“安徽某企业”" in refused.text
    assert "张三" in client.get(reverse("registries:detail", args=[station.pk])).text
