"""The mechanism through the first real lifecycle (registries' Designation): the POST view, the inbox
across two registered workflows, and the log."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from kexie.orgs.scoping import access_for
from kexie.registries import services
from kexie.registries.models import Designation, Level, Programme, State
from kexie.workflows.selectors import inbox_count, inbox_items, inbox_rows, object_log


@pytest.fixture
def designation(cast, tree):
    data = services.DesignationData(
        org_unit=tree["county"],
        programme=Programme.objects.get(code="popsci_base"),
        level=Level.MUNICIPAL,
        holder_kind="school",
        holder_name="怀宁县第一中学",
        holder_region_code="340822",
    )
    return services.designation_create(
        access=access_for(cast["county_filler"]), actor=cast["county_filler"], data=data
    )


def _post(cast, who, d, code, **fields):
    client = Client()
    client.force_login(cast[who])
    ct = ContentType.objects.get_for_model(Designation).pk
    payload = {"from_state": Designation.objects.get(pk=d.pk).state, "next": "/inbox/"}
    payload |= {f"{code}-{k}": v for k, v in fields.items()}
    response = client.post(f"/workflows/{ct}/{d.pk}/{code}/", payload)
    assert response.status_code == 302
    return [str(m) for m in response.wsgi_request._messages]


def _waiting_for(cast, who):
    access = access_for(cast[who])
    return [str(i.obj) for i in inbox_items(access=access, rows=list(inbox_rows(access=access)))]


def test_a_designation_goes_from_application_to_grant_through_the_generic_view_and_inboxes(designation, cast):
    name = str(designation)
    today = timezone.localdate()
    assert _waiting_for(cast, "county_filler") == [name]
    _post(cast, "county_filler", designation, "submit")
    assert _waiting_for(cast, "county_reviewer") == [name]
    _post(cast, "county_reviewer", designation, "recommend")
    assert _waiting_for(cast, "city_reviewer") == [name]
    assert _post(cast, "city_reviewer", designation, "return") == ["“退回”必须填写理由。"]
    _post(cast, "city_reviewer", designation, "return", reason="缺少场馆面积证明")
    assert _waiting_for(cast, "county_filler") == [name]  # 已退回: the filler resubmits
    _post(cast, "county_filler", designation, "submit")
    _post(cast, "county_reviewer", designation, "recommend")
    _post(cast, "city_reviewer", designation, "review")
    assert _waiting_for(cast, "county_admin") == []  # the city issues a 市级 title
    assert _waiting_for(cast, "city_admin") == [name]
    messages = _post(
        cast,
        "city_admin",
        designation,
        "grant",
        document_no="宜科协发〔2026〕8号",
        granted_on=today.isoformat(),
    )
    assert messages == ["已办理“认定”，当前状态：已认定。"]
    designation.refresh_from_db()
    assert (designation.state, designation.document_no, designation.granted_on) == (
        State.GRANTED,
        "宜科协发〔2026〕8号",
        today,
    )
    log = list(object_log(obj=designation))
    assert [e.label for e in log][1:] == ["申报", "推荐", "退回", "申报", "推荐", "审核通过", "认定"]
    assert log[3].reason == "缺少场馆面积证明"
    assert log[-1].data["document_no"] == "宜科协发〔2026〕8号"


def test_the_inbox_mixes_workflows_oldest_first(designation, application, cast):
    from datetime import timedelta

    from tests.workflows.lifecycle import Application

    app = application(unit="county", state="applied", title="县-测试申报")
    Application.objects.filter(pk=app.pk).update(state_changed_at=app.state_changed_at - timedelta(days=1))
    _post(cast, "county_filler", designation, "submit")
    assert _waiting_for(cast, "county_reviewer") == ["县-测试申报", str(designation)]
    assert inbox_count(access=access_for(cast["county_reviewer"])) == 2


def test_the_inbox_page_makes_the_same_number_of_queries_for_3_or_12_designations(cast, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n0, n1):
        for i in range(n0, n1):
            d = services.designation_create(
                access=access_for(cast["county_filler"]),
                actor=cast["county_filler"],
                data=services.DesignationData(
                    org_unit=tree["county"],
                    programme=Programme.objects.get(code="popsci_base"),
                    level=Level.MUNICIPAL,
                    holder_kind="school",
                    holder_name=f"怀宁县第{i + 1}中学",
                    holder_region_code="340822",
                ),
            )
            _post(cast, "county_filler", d, "submit")

    client = Client()
    client.force_login(cast["county_reviewer"])
    add(0, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/inbox/").content.decode().count('data-testid="inbox-item"') == 3
    add(3, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/inbox/").content.decode().count('data-testid="inbox-item"') == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_recheck_after_rectification_through_the_generic_view_panel_and_inboxes(designation, cast):
    """整改 → 提请复核 (the keeping unit) → 复核中 waits in the issuer's 待办; its panel offers 复核通过 and
    复核不通过 (with a required reason and the 撤销 date); 复核不通过 ends it like a 撤销."""
    from datetime import timedelta

    from django.template import engines
    from django.test import RequestFactory

    today = timezone.localdate()
    for who, code in (
        ("county_filler", "submit"),
        ("county_reviewer", "recommend"),
        ("city_reviewer", "review"),
    ):
        _post(cast, who, designation, code)
    _post(
        cast,
        "city_admin",
        designation,
        "grant",
        document_no="宜科协发〔2026〕9号",
        granted_on=today.isoformat(),
    )
    name = str(designation)
    # granted some weeks ago, so that a 撤销 today is after it
    Designation.objects.filter(pk=designation.pk).update(
        applied_on=today - timedelta(days=90), granted_on=today - timedelta(days=60)
    )
    _post(cast, "city_admin", designation, "rectify", reason="展板内容陈旧")
    assert _waiting_for(cast, "county_filler") == [name]  # 提请复核 once the 整改 is done
    assert _waiting_for(cast, "city_admin") == []
    assert _post(cast, "county_filler", designation, "request_recheck") == [
        "已办理“提请复核”，当前状态：复核中。"
    ]
    assert _waiting_for(cast, "city_admin") == [name]

    request = RequestFactory().get("/")
    request.user = cast["city_admin"]
    request.access = access_for(cast["city_admin"])
    designation.refresh_from_db()
    html = (
        engines["django"]
        .from_string("{% load workflow_tags %}{% workflow_panel obj %}")
        .render({"obj": designation, "request": request}, request)
    )
    assert 'data-testid="transition-recheck"' in html
    assert 'data-testid="transition-recheck_fail"' in html
    assert 'name="recheck_fail-revoked_on"' in html
    assert "复核不通过理由" in html

    assert _post(cast, "city_admin", designation, "recheck_fail", revoked_on=today.isoformat()) == [
        "“复核不通过”必须填写理由。"
    ]
    _post(cast, "city_admin", designation, "recheck_fail", reason="整改不到位", revoked_on=today.isoformat())
    designation.refresh_from_db()
    assert designation.state == State.REVOKED
    assert designation.revocation_reason == "整改不到位"
    assert [e.label for e in object_log(obj=designation)][-3:] == ["责令整改", "提请复核", "复核不通过"]
    assert _waiting_for(cast, "city_admin") == []
