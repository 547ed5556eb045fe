"""Pages of the org tree: what a user sees, and that everything outside the subtree is a 404."""

import datetime as dt
import logging

import pytest
from openpyxl import load_workbook

from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.web.navigation import UNBUILT

UNIT_PAGES = ["detail", "children"]
MANAGE_PAGES = ["edit", "move", "close", "merge", "add"]


def test_tree_page_shows_own_subtree_only(tree, login):
    body = login("county_filler").get("/orgs/").content.decode()
    assert "怀宁县科学技术协会" in body
    assert "高河镇科协" in body
    assert "池州" not in body
    assert "安庆市科学技术协会" not in body


def test_tree_branch_is_loaded_on_demand(tree, login):
    body = login("city_admin").get(f"/orgs/{tree['county'].pk}/children/").content.decode()
    assert "高河镇科协" in body
    assert "<html" not in body  # a fragment for htmx, not a page


def test_tree_shows_child_counts_by_type(tree, login):
    body = login("province_sysadmin").get("/orgs/").content.decode()
    assert "县级科协 2" in body  # 安庆 has 怀宁 and 桐城
    assert "学会 1" in body


@pytest.mark.parametrize("unit_page", UNIT_PAGES + MANAGE_PAGES)
def test_outsider_gets_404_on_every_unit_page(tree, login, unit_page):
    suffix = {"detail": "", "add": "add/"}.get(unit_page, f"{unit_page}/")
    response = login("outsider").get(f"/orgs/{tree['county'].pk}/{suffix}")
    assert response.status_code == 404


@pytest.mark.parametrize("unit_page", MANAGE_PAGES)
def test_viewer_gets_404_on_manage_pages_of_its_own_unit(tree, login, unit_page):
    suffix = "add/" if unit_page == "add" else f"{unit_page}/"
    assert login("county_viewer").get(f"/orgs/{tree['county'].pk}/{suffix}").status_code == 404


def test_posting_an_edit_outside_scope_changes_nothing(tree, login):
    response = login("outsider").post(
        f"/orgs/{tree['county'].pk}/edit/", {"code": "340822", "name": "被篡改", "org_type": "county"}
    )
    assert response.status_code == 404
    assert OrgUnit.objects.get(pk=tree["county"].pk).name == "怀宁县科学技术协会"


def test_search_never_returns_units_outside_scope(tree, login):
    body = login("county_admin").get("/orgs/", {"q": "科学技术协会"}).content.decode()
    assert "怀宁县科学技术协会" in body
    assert "桐城" not in body
    assert "池州" not in body


def test_create_form_shows_inline_errors_and_keeps_input(tree, login):
    response = login("city_admin").post(
        f"/orgs/{tree['city'].pk}/add/",
        {"code": "340825", "name": "太湖县科学技术协会", "org_type": "county", "region_code": "341702"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "不在上级单位" in body
    assert 'value="太湖县科学技术协会"' in body
    assert not OrgUnit.objects.filter(code="340825").exists()


def test_create_form_creates_and_redirects(tree, login):
    response = login("city_admin").post(
        f"/orgs/{tree['city'].pk}/add/",
        {"code": "340825", "name": "太湖县科学技术协会", "org_type": "county", "region_code": "340825"},
    )
    unit = OrgUnit.objects.get(code="340825")
    assert response.status_code == 302
    assert response["Location"] == f"/orgs/{unit.pk}/"


def test_close_form_closes_and_history_shows_it(tree, login):
    client = login("city_admin")
    client.post(f"/orgs/{tree['township'].pk}/close/", {"on": "2025-03-01", "reason": "撤并"})
    assert OrgUnit.objects.get(pk=tree["township"].pk).active_to == dt.date(2025, 3, 1)
    page = client.get(f"/orgs/{tree['township'].pk}/").content.decode()
    assert "撤销：撤并" in page
    assert "已撤销" in page


def test_unit_choices_are_made_with_the_unit_picker_limited_to_the_managed_subtree(tree, login):
    client = login("city_admin")
    for url, field in [
        (f"/orgs/{tree['township'].pk}/move/", "new_parent"),
        (f"/orgs/{tree['county2'].pk}/merge/", "target"),
        ("/orgs/users/new/", "unit"),
    ]:
        body = client.get(url).content.decode()
        assert f'data-unit-picker="{field}"' in body, url
        assert f'name="{field}__q"' in body, url
        assert '"action": "manage"' in body, url
        assert "输入单位名称或机构代码查找" in body, url
    # the new user form starts with the admin's own unit chosen
    assert "已选：安庆市科学技术协会（340800）" in client.get("/orgs/users/new/").content.decode()


def test_the_picker_offers_only_units_the_user_may_manage(tree, login):
    def offered(who, q):
        return login(who).get("/records/units/", {"field": "target", "action": "manage", "target__q": q}).text

    assert "桐城市科学技术协会" in offered("city_admin", "桐城")
    assert "桐城市科学技术协会" in offered("city_admin", "340881")
    assert "贵池区科学技术协会" not in offered("city_admin", "贵池")  # another city
    assert "高河镇科协" in offered("county_admin", "高河")
    assert "桐城市科学技术协会" not in offered("county_admin", "桐城")  # a sibling county
    assert "高河镇科协" not in offered("county_filler", "高河")  # a 填报员 manages nothing


def test_move_form_moves_under_the_picked_parent(tree, login):
    response = login("city_admin").post(
        f"/orgs/{tree['society'].pk}/move/", {"new_parent": tree["county2"].pk}, follow=True
    )
    assert "已将“安庆市医学会”调整到“桐城市科学技术协会”之下" in response.content.decode()
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(pk=tree["society"].pk)) == tree["county2"]


def test_move_form_takes_a_typed_name_or_code_without_javascript(tree, login):
    client = login("city_admin")
    client.post(
        f"/orgs/{tree['society'].pk}/move/", {"new_parent": "", "new_parent__q": "桐城市科学技术协会"}
    )
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(pk=tree["society"].pk)) == tree["county2"]
    client.post(f"/orgs/{tree['society'].pk}/move/", {"new_parent": "", "new_parent__q": "340822"})
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(pk=tree["society"].pk)) == tree["county"]


def test_move_form_shows_the_services_refusal_on_the_field(tree, login):
    response = login("city_admin").post(
        f"/orgs/{tree['county'].pk}/move/", {"new_parent": "", "new_parent__q": "高河镇科协"}
    )
    assert response.status_code == 200
    assert "不能把单位移动到它自己或它的下级单位之下" in response.content.decode()
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(pk=tree["county"].pk)) == tree["city"]


def test_merge_form_refuses_a_target_outside_scope_exactly_as_an_unknown_one(tree, login, caplog):
    client = login("city_admin")
    with caplog.at_level(logging.WARNING, logger="kexie.security"):
        outside = client.post(
            f"/orgs/{tree['county2'].pk}/merge/", {"target": "", "target__q": "341702", "on": "2025-01-01"}
        ).content.decode()
    unknown = client.post(
        f"/orgs/{tree['county2'].pk}/merge/", {"target": "", "target__q": "341799", "on": "2025-01-01"}
    ).content.decode()
    assert "在您的管理范围内找不到单位“341702”，请输入单位名称或机构代码后从列表中选择。" in outside
    assert "在您的管理范围内找不到单位“341799”，请输入单位名称或机构代码后从列表中选择。" in unknown
    assert "贵池" not in outside  # nothing tells that the unit exists elsewhere …
    assert "scope denial" in caplog.text  # … but the attempt is logged
    # a forged hidden id of a unit elsewhere is refused the same way
    forged = client.post(
        f"/orgs/{tree['county2'].pk}/merge/", {"target": tree["other_county"].pk, "on": "2025-01-01"}
    ).content.decode()
    assert "在您的管理范围内找不到单位" in forged
    assert OrgUnit.objects.get(pk=tree["county2"].pk).active_to is None
    assert OrgUnit.objects.get(pk=tree["other_county"].pk).active_to is None


def test_merge_form_keeps_the_services_answer_for_a_closed_target(tree, login):
    client = login("city_admin")
    client.post(f"/orgs/{tree['society'].pk}/close/", {"on": "2025-03-01", "reason": "撤并"})
    body = client.post(
        f"/orgs/{tree['county2'].pk}/merge/", {"target": "", "target__q": "340800-S01", "on": "2025-06-30"}
    ).content.decode()
    assert "“安庆市医学会”已于2025年3月1日撤销，不能作为合并目标" in body
    assert OrgUnit.objects.get(pk=tree["county2"].pk).active_to is None


def test_export_contains_exactly_the_subtree_and_reimports_cleanly(tree, login):
    response = login("county_admin").get("/orgs/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    ws = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert codes == ["340822", "340822100000"]
    assert [c.value for c in ws[1]][:4] == ["机构代码", "名称", "类型", "上级代码"]


def test_switching_the_active_unit_changes_the_scope(tree, people, login):
    user = people["county_filler"]
    second = Membership.objects.create(user=user, org_unit=tree["other_county"], role=Role.VIEWER)
    client = login("county_filler")
    client.post("/orgs/switch/", {"membership": second.pk, "next": "/"})
    body = client.get("/orgs/").content.decode()
    tree_part = body.split('data-testid="org-tree"', 1)[1]
    assert "贵池区科学技术协会" in tree_part
    assert "怀宁县科学技术协会" not in tree_part


def test_switching_to_someone_elses_membership_is_refused(tree, people, login):
    theirs = Membership.objects.get(user=people["outsider"])
    assert login("county_filler").post("/orgs/switch/", {"membership": theirs.pk}).status_code == 404


def test_users_page_lists_only_users_in_the_subtree(tree, people, login):
    body = login("county_admin").get("/orgs/users/").content.decode()
    assert "township_filler" in body
    assert "county_filler" in body
    assert "city_admin" not in body
    assert "outsider" not in body


def test_user_pages_of_users_outside_scope_are_404(tree, people, login):
    client = login("county_admin")
    assert client.get(f"/orgs/users/{people['outsider'].pk}/").status_code == 404
    assert client.post(f"/orgs/users/{people['city_admin'].pk}/active/", {"active": "0"}).status_code == 404
    people["city_admin"].refresh_from_db()
    assert people["city_admin"].is_active


def test_fillers_cannot_reach_user_management(tree, login):
    assert login("county_filler").get("/orgs/users/").status_code == 404


def test_admin_creates_a_user_through_the_form(tree, login):
    response = login("county_admin").post(
        "/orgs/users/new/",
        {
            "username": "gh_tianbao",
            "full_name": "高河填报",
            "unit": tree["township"].pk,
            "role": "filler",
            "password1": "Kexie-2026-strong",
            "password2": "Kexie-2026-strong",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="gh_tianbao", org_unit=tree["township"]).exists()


def test_user_form_refuses_units_outside_scope(tree, login):
    response = login("county_admin").post(
        "/orgs/users/new/",
        {
            "username": "sneaky",
            "full_name": "x",
            "unit": "",
            "unit__q": "341702",
            "role": "filler",
            "password1": "Kexie-2026-strong",
            "password2": "Kexie-2026-strong",
        },
    )
    body = response.content.decode()
    assert "在您的管理范围内找不到单位“341702”" in body
    assert 'value="341702"' in body  # what was typed stays in the box
    assert not Membership.objects.filter(user__username="sneaky").exists()


def test_granting_a_role_uses_the_picked_unit_and_refuses_one_outside(tree, people, login):
    client = login("county_admin")
    user = people["township_filler"]
    added = client.post(
        f"/orgs/users/{user.pk}/memberships/", {"unit": tree["township"].pk, "role": "viewer"}, follow=True
    )
    assert "已添加角色" in added.content.decode()
    assert Membership.objects.filter(user=user, org_unit=tree["township"], role=Role.VIEWER).exists()
    refused = client.post(
        f"/orgs/users/{user.pk}/memberships/",
        {"unit": "", "unit__q": "桐城市科学技术协会", "role": "viewer"},
        follow=True,
    )
    assert "在您的管理范围内找不到单位“桐城市科学技术协会”" in refused.content.decode()
    assert not Membership.objects.filter(user=user, org_unit=tree["county2"]).exists()
    page = client.get(f"/orgs/users/{user.pk}/").content.decode()
    assert 'data-unit-picker="unit"' in page


def test_unbuilt_sections_say_so_and_show_no_figures(tree, login):
    # whichever navigation items have no page yet (统计年报, 科技工作者 … today); built ones are not here
    assert UNBUILT, "every section is built now: this test has nothing left to check"
    client = login("county_filler")
    for slug, (_section, item) in UNBUILT.items():
        body = client.get(f"/s/{slug}/").content.decode()
        assert f"“{item.label}”模块尚在建设中" in body, slug
        assert "没有任何数据或统计数字" in body, slug
    assert client.get("/s/bases/").status_code == 404  # 科普基地 is built now: no "unbuilt" page for it


def test_every_page_has_a_title_and_breadcrumbs(tree, login):
    client = login("city_admin")
    for url in ["/", "/orgs/", f"/orgs/{tree['county'].pk}/", "/orgs/users/", "/imports/", "/s/worker-day/"]:
        body = client.get(url).content.decode()
        assert "· 科协工作平台</title>" in body, url
        assert 'class="breadcrumb"' in body, url
        assert 'name="viewport"' in body, url


def test_pages_send_a_strict_content_security_policy(tree, login):
    header = login("city_admin").get("/").headers["Content-Security-Policy"]
    script_src = next(d for d in header.split("; ") if d.startswith("script-src"))
    assert script_src.startswith("script-src 'self'")
    assert "unsafe" not in script_src


def test_user_list_paginates_with_the_shared_footer(tree, people, login):
    from tests.factories import make_user

    for i in range(30):
        make_user(f"extra_{i:02d}", tree["township"], Role.VIEWER)
    client = login("county_admin")
    first = client.get("/orgs/users/").content.decode()
    assert "第 1/2 页" in first
    assert "?page=2" in first
    second = client.get("/orgs/users/", {"page": 2}).content.decode()
    assert "第 2/2 页" in second
    assert "上一页" in second


def test_the_org_list_filters_by_subtree_type_founding_period_and_day_in_force(tree, login):
    from kexie.orgs.models import OrgType, OrgUnit

    OrgUnit.objects.filter(pk=tree["township"].pk).update(active_from=dt.date(2024, 3, 1))
    client = login("city_admin")
    founded = client.get(f"/orgs/?unit={tree['city'].pk}&period=2024&type={OrgType.TOWNSHIP}")
    assert founded.status_code == 200
    body = founded.content.decode()
    assert tree["township"].name in body
    assert tree["county"].name not in body
    assert "2024年成立" in body
    before = client.get(f"/orgs/?unit={tree['city'].pk}&at=2024-02-29&type={OrgType.TOWNSHIP}")
    assert tree["township"].name not in before.content.decode()  # founded the next day
    assert "没有符合条件的单位" in before.content.decode()


def test_the_org_list_refuses_bad_filters_and_units_outside_scope(tree, login):
    client = login("county_admin")
    bad = client.get("/orgs/?period=2024年底")
    assert bad.status_code == 400
    assert "期间“2024年底”无法识别" in bad.content.decode()
    assert client.get("/orgs/?at=2024-13-01").status_code == 400
    assert client.get(f"/orgs/?unit={tree['other_county'].pk}").status_code == 404
