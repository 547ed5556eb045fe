"""The generic transition POST, the lifecycle panel, the 待办 page and the header badge."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.test import RequestFactory

from kexie.orgs.scoping import access_for
from kexie.workflows.models import TransitionLog
from kexie.workflows.services import transition
from tests.workflows.lifecycle import Application


@pytest.fixture
def client_of(cast):
    from django.test import Client

    def _client(name):
        client = Client()
        client.force_login(cast[name])
        return client

    return _client


def _url(app, code):
    ct = ContentType.objects.get_for_model(Application).pk
    return f"/workflows/{ct}/{app.pk}/{code}/"


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_a_post_takes_the_transition_and_redirects_back(application, client_of):
    app = application(state="applied")
    response = client_of("county_reviewer").post(
        _url(app, "recommend"), {"from_state": "applied", "next": "/inbox/", "recommend-reason": "同意推荐"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert Application.objects.get(pk=app.pk).state == "recommended"
    assert TransitionLog.objects.get().reason == "同意推荐"
    assert _messages(response) == ["已办理“推荐”，当前状态：已推荐。"]


def test_an_outside_next_is_ignored_for_the_records_page(application, client_of):
    app = application(state="applied")
    response = client_of("county_reviewer").post(_url(app, "recommend"), {"next": "https://evil.example/"})
    assert response["Location"] == app.get_absolute_url()


def test_a_record_outside_the_scope_answers_404_and_is_untouched(application, client_of):
    app = application(state="applied")
    response = client_of("other_reviewer").post(_url(app, "return"), {"return-reason": "越权"})
    assert response.status_code == 404
    assert Application.objects.get(pk=app.pk).state == "applied"


def test_an_unregistered_content_type_answers_404(application, client_of):
    app = application(state="applied")
    ct = ContentType.objects.get(app_label="orgs", model="orgunit").pk
    response = client_of("county_reviewer").post(f"/workflows/{ct}/{app.org_unit_id}/recommend/")
    assert response.status_code == 404


def test_a_refused_transition_is_a_chinese_message_not_an_error_page(application, client_of):
    app = application(state="applied")
    response = client_of("county_admin").post(_url(app, "recommend"))
    assert response.status_code == 302
    assert _messages(response) == ["您当前的单位和角色不能“推荐”：须由县级科协的审核员办理。"]
    assert Application.objects.get(pk=app.pk).state == "applied"


@pytest.mark.parametrize("code", ["fly", "grant"])
def test_an_unknown_or_wrong_state_transition_is_a_message(application, client_of, code):
    app = application(state="applied")
    response = client_of("city_admin").post(_url(app, code))
    assert response.status_code == 302
    assert _messages(response)[0].startswith(("“测试认定”流程没有", "当前状态为“已申报”，不能“认定”"))


def test_a_return_without_a_reason_is_refused_with_a_message(application, client_of):
    app = application(state="recommended")
    response = client_of("city_reviewer").post(_url(app, "return"), {"from_state": "recommended"})
    assert _messages(response) == ["“退回”必须填写理由。"]
    assert Application.objects.get(pk=app.pk).state == "recommended"


def test_grant_takes_its_extra_fields_from_the_form(application, client_of):
    app = application(state="approved")
    response = client_of("city_admin").post(
        _url(app, "grant"), {"grant-document_no": "宜科协〔2026〕8号", "grant-granted_on": "2026-11-30"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.state, app.document_no, str(app.granted_on)) == ("granted", "宜科协〔2026〕8号", "2026-11-30")


def test_the_second_reviewer_posting_from_a_stale_page_is_told_it_was_handled(application, client_of):
    app = application(state="applied")
    first = client_of("county_reviewer").post(_url(app, "recommend"), {"from_state": "applied"})
    second = client_of("city_reviewer").post(
        _url(app, "return"), {"from_state": "applied", "return-reason": "不符"}
    )
    assert first.status_code == second.status_code == 302
    assert _messages(second) == ["该记录已被他人处理（当前状态：已推荐），请刷新页面后再操作。"]
    assert Application.objects.get(pk=app.pk).state == "recommended"
    assert TransitionLog.objects.count() == 1


def test_get_is_not_allowed(application, client_of):
    assert (
        client_of("county_reviewer").get(_url(application(state="applied"), "recommend")).status_code == 405
    )


# ---- the panel -----------------------------------------------------------------------------------


def _panel(user, obj):
    request = RequestFactory().get("/test-applications/1/")
    request.user = user
    request.access = access_for(user)
    template = engines["django"].from_string("{% load workflow_tags %}{% workflow_panel obj %}")
    return template.render({"obj": obj}, request)


def test_the_panel_shows_the_state_the_users_buttons_and_a_required_reason(application, cast):
    app = application(state="recommended")
    html = _panel(cast["city_reviewer"], app)
    assert 'data-testid="workflow-state">已推荐<' in html
    assert 'data-testid="transition-approve"' in html
    assert 'data-testid="transition-return"' in html
    assert 'name="return-reason"' in html
    assert "退回理由" in html
    assert re.search(r'<textarea[^>]*name="return-reason"[^>]*required', html)
    assert not re.search(r'<textarea[^>]*name="approve-reason"[^>]*required', html)


def test_the_panel_shows_extra_fields_and_who_else_may_act(application, cast):
    app = application(state="approved")
    assert 'name="grant-document_no"' in _panel(cast["city_admin"], app)
    assert 'type="date" name="grant-granted_on"' in _panel(cast["city_admin"], app)
    html = _panel(cast["county_reviewer"], app)
    assert 'data-testid="transition-' not in html
    assert "当前由其他单位或角色办理" in html
    assert "“认定”须由认定单位的管理员办理" in html


def test_the_panel_history_shows_who_unit_states_reason_and_data(application, cast, tree):
    app = application(state="approved")
    transition(
        access=access_for(cast["city_admin"]),
        obj=app,
        code="grant",
        reason="经审定",
        data={"document_no": "宜科协〔2026〕8号", "granted_on": "2026-11-30"},
    )
    html = _panel(cast["county_viewer"], app)
    assert "city_admin" in html
    assert "安庆市科学技术协会 · 管理员" in html
    assert "已审核 → 已认定" in html
    assert "经审定" in html
    assert "文号：</span>宜科协〔2026〕8号" in html
    assert "流程已结束" not in html


def test_a_terminal_state_says_the_lifecycle_is_over(application, cast):
    assert "流程已结束" in _panel(cast["city_admin"], application(state="revoked"))


# ---- the inbox page and the badge ----------------------------------------------------------------


def test_the_inbox_page_lists_what_waits_with_a_link(application, client_of):
    app = application(state="applied")
    application(state="granted", title="不需要推荐")
    response = client_of("county_reviewer").get("/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="inbox-item"') == 1
    assert f'href="{app.get_absolute_url()}"' in html
    assert "等待最久的排在前面" in html


def test_the_inbox_page_when_empty_says_what_to_do(client_of, cast):
    html = client_of("county_filler").get("/inbox/").content.decode()
    assert "暂无待办" in html
    assert "怀宁县科学技术协会 · 填报员" in html


def test_the_header_badge_counts_what_waits(application, client_of):
    application(state="applied")
    application(state="applied", unit="county")
    html = client_of("county_reviewer").get("/").content.decode()
    assert 'data-testid="inbox-count">2<' in html
    assert 'data-testid="inbox-count"' not in client_of("county_viewer").get("/").content.decode()


def test_the_inbox_paginates(application, client_of):
    for i in range(32):
        application(state="applied", title=f"申报{i:02d}")
    client = client_of("county_reviewer")
    assert client.get("/inbox/").content.decode().count('data-testid="inbox-item"') == 30
    assert client.get("/inbox/?page=2").content.decode().count('data-testid="inbox-item"') == 2


def test_after_a_refusal_the_panel_shows_what_was_typed_once_with_the_error(application, client_of, cast):
    app = application(state="approved")
    client = client_of("city_admin")
    client.post(
        _url(app, "grant"),
        {"grant-document_no": "拒绝", "grant-granted_on": "2026-11-30", "grant-reason": "经研究"},
    )
    request = RequestFactory().get(app.get_absolute_url())
    request.session = client.session  # the session the refused POST wrote to
    request.user = cast["city_admin"]
    request.access = access_for(request.user)
    template = engines["django"].from_string("{% load workflow_tags %}{% workflow_panel obj %}")
    html = template.render({"obj": app}, request)
    assert 'value="拒绝"' in html
    assert "经研究</textarea>" in html
    assert re.search(
        r'<input[^>]*name="grant-document_no"[^>]*is-invalid|<input[^>]*is-invalid[^>]*name="grant-document_no"',
        html,
    )
    assert 'data-testid="transition-error">文号已被使用。<' in html
    assert 'value="拒绝"' not in template.render({"obj": app}, request)  # shown once
