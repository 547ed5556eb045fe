"""活动品牌与类型: a 管理员 sets up its unit's own campaigns and activity types, the units below it use
them in forms, filters and imports, other units never see them, and the national ones stay fixed."""

from __future__ import annotations

import datetime as dt

import pytest

from kexie.activities import selectors, services
from kexie.activities.filters import parse_filters
from kexie.activities.models import Activity, ActivityType, Campaign
from kexie.activities.records import ACTIVITIES
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.records.forms import RecordForm
from tests.activities.test_import import HEADER, SHEET, row
from tests.imports.helpers import write_xlsx


@pytest.fixture
def county_lists(tree, access_of):
    """怀宁县 sets up 五进 (campaign) and 三下乡宣讲 (type); 桐城市 sets up its own 桐城科普周."""
    county = access_of("county_admin")
    five = services.list_entry_create(
        Campaign,
        access=county,
        unit=tree["county"],
        data=services.ListEntryData(name="五进", first_year=2020),
    )
    talk = services.list_entry_create(
        ActivityType, access=county, unit=tree["county"], data=services.ListEntryData(name="三下乡宣讲")
    )
    other = Campaign.objects.create(code="tc-rural", name="桐城科普周", org_unit=tree["county2"])
    return {"five": five, "talk": talk, "other": other}


def test_an_admin_sets_up_campaigns_and_types_on_the_page(tree, login):
    client = login("county_admin")
    page = client.get("/activities/lists/")
    assert page.status_code == 200
    assert "全国统一" in page.content.decode()
    response = client.post("/activities/lists/campaign/new/", {"name": "五进", "first_year": "2021"})
    assert response.status_code == 302
    response = client.post("/activities/lists/type/new/", {"name": "三下乡宣讲", "is_academic": ""})
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="五进")
    assert (campaign.org_unit, campaign.first_year) == (tree["county"], 2021)
    assert ActivityType.objects.get(name="三下乡宣讲").org_unit == tree["county"]
    page = client.get("/activities/lists/").content.decode()
    assert "五进" in page
    assert "三下乡宣讲" in page


def test_a_township_uses_its_county_campaigns_in_forms_filters_and_imports(
    tree, county_lists, access_of, upload, commit, tmp_path
):
    township = access_of("township_filler")
    form = RecordForm(declaration=ACTIVITIES, access=township)
    assert county_lists["five"] in form.fields["campaign"].queryset
    assert county_lists["talk"] in form.fields["activity_type"].queryset
    assert county_lists["other"] not in form.fields["campaign"].queryset
    filters = parse_filters(
        {"campaign": county_lists["five"].code, "type": county_lists["talk"].code}, access=township
    )
    assert filters.is_valid
    assert filters.values["campaign"] == [county_lists["five"].code]
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        [row(活动品牌="五进", 活动类型="三下乡宣讲", 主办单位代码="340822100000")],
        header=HEADER,
        sheet=SHEET,
    )
    batch = commit("township_filler", upload("township_filler", path))
    assert batch.status == "committed", batch.errors
    activity = Activity.objects.get()
    assert (activity.campaign, activity.activity_type) == (county_lists["five"], county_lists["talk"])


def test_the_inherited_ones_show_on_the_township_page_read_only(tree, county_lists, login):
    page = login("township_filler").get("/activities/lists/").content.decode()
    assert "五进" in page
    assert "怀宁县科学技术协会" in page
    assert "桐城科普周" not in page
    assert "设立活动品牌" not in page  # a 填报员 does not manage lists


def test_a_county_admin_cannot_see_or_edit_another_countys_campaigns(tree, county_lists, login, access_of):
    other = county_lists["other"]
    client = login("county_admin")
    assert "桐城科普周" not in client.get("/activities/lists/").content.decode()
    assert client.get(f"/activities/lists/campaign/{other.pk}/").status_code == 404
    assert client.post(f"/activities/lists/campaign/{other.pk}/", {"name": "改名"}).status_code == 404
    assert Campaign.objects.get(pk=other.pk).name == "桐城科普周"
    filters = parse_filters({"campaign": other.code}, access=access_of("county_admin"))
    assert filters.errors == (f"没有代码为“{other.code}”的活动品牌。",)
    assert other not in selectors.campaign_choices(access=access_of("county_admin"))


def test_the_national_ones_stay_fixed(tree, login, access_of):
    national = Campaign.objects.get(code="science_day")
    client = login("province_sysadmin")
    assert client.get(f"/activities/lists/campaign/{national.pk}/").status_code == 404
    lecture = ActivityType.objects.get(code="lecture")
    assert client.get(f"/activities/lists/type/{lecture.pk}/").status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.list_entry_update(
            Campaign,
            access=access_of("province_sysadmin"),
            entry=national,
            data=services.ListEntryData(name="改名"),
        )


def test_only_a_manager_of_the_unit_sets_one_up(tree, login, access_of):
    assert login("county_filler").get("/activities/lists/campaign/new/").status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.list_entry_create(
            Campaign,
            access=access_of("county_admin"),
            unit=tree["county2"],
            data=services.ListEntryData(name="x"),
        )


def test_a_name_taken_above_below_or_nationally_is_refused_with_the_owner(
    tree, county_lists, login, access_of
):
    response = login("county_admin").post("/activities/lists/campaign/new/", {"name": "全国科普日"})
    assert "已有全国统一的活动品牌“全国科普日”" in response.content.decode()
    with pytest.raises(DomainError, match="已有“怀宁县科学技术协会”设立的活动品牌“五进”"):
        services.list_entry_create(
            Campaign,
            access=access_of("city_admin"),
            unit=tree["city"],
            data=services.ListEntryData(name="五进"),
        )
    # a sibling county may use the same name for its own
    services.list_entry_create(
        Campaign,
        access=access_of("city_admin"),
        unit=tree["county2"],
        data=services.ListEntryData(name="五进"),
    )


def test_a_local_type_applies_only_below_its_unit(tree, county_lists, make_data, access_of):
    errors = services.validate_activity_data(
        make_data(org_unit=tree["county2"], activity_type=county_lists["talk"]),
        access=access_of("city_admin"),
    )
    assert "由“怀宁县科学技术协会”设立，只适用于该单位及其下级单位" in errors["activity_type"]


def test_years_cannot_shrink_below_activities_already_entered(
    tree, county_lists, make_data, access_of, people
):
    services.activity_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        data=make_data(campaign=county_lists["five"], start_date=dt.date(2022, 5, 1)),
    )
    with pytest.raises(DomainError, match="已有2022年的活动属于“五进”"):
        services.list_entry_update(
            Campaign,
            access=access_of("county_admin"),
            entry=county_lists["five"],
            data=services.ListEntryData(name="五进", first_year=2023),
        )


def test_a_stopped_campaign_is_no_longer_offered_but_stays_listed(tree, county_lists, access_of, login):
    services.list_entry_update(
        Campaign,
        access=access_of("county_admin"),
        entry=county_lists["five"],
        data=services.ListEntryData(name="五进", first_year=2020, is_active=False),
    )
    assert county_lists["five"] not in selectors.campaign_choices(access=access_of("township_filler"))
    assert "已停用" in login("county_admin").get("/activities/lists/").content.decode()
