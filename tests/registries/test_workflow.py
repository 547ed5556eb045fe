"""The designation lifecycle on the shared transition mechanism: 申报 → 推荐 → 审核/退回 → 认定 → 整改/撤销/到期."""

import datetime as dt

import pytest
from django.utils import timezone

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.registries import services
from kexie.registries.models import Level, State
from kexie.workflows.selectors import available_transitions, object_log
from kexie.workflows.services import transition

D = dt.date


@pytest.fixture
def application(staff, acc, data):
    return services.designation_create(access=acc("county_filler"), actor=staff["county_filler"], data=data())


def test_application_goes_through_county_and_city_to_grant(application, acc):
    d = application
    today = timezone.localdate()
    assert d.state == State.DRAFT
    assert d.issuer_unit.name == "安庆市科学技术协会"
    transition(access=acc("county_filler"), obj=d, code="submit")
    assert d.applied_on is not None
    transition(access=acc("county_reviewer"), obj=d, code="recommend")
    transition(access=acc("city_reviewer"), obj=d, code="return", reason="缺少场馆面积证明")
    assert d.state == State.RETURNED
    transition(access=acc("county_filler"), obj=d, code="submit")
    transition(access=acc("county_reviewer"), obj=d, code="recommend")
    transition(access=acc("city_reviewer"), obj=d, code="review")
    transition(
        access=acc("city_admin"),
        obj=d,
        code="grant",
        data={"document_no": "宜科协发〔2026〕8号", "granted_on": today.isoformat()},
    )
    d.refresh_from_db()
    assert d.state == State.GRANTED
    five_years = services.add_years(today, 5) - dt.timedelta(days=1)
    assert (d.document_no, d.granted_on, d.valid_until, d.ends_on) == (
        "宜科协发〔2026〕8号",
        today,
        five_years,
        five_years,
    )
    log = list(object_log(obj=d))
    assert [entry.label for entry in log] == [
        "登记申报",
        "申报",
        "推荐",
        "退回",
        "申报",
        "推荐",
        "审核通过",
        "认定",
    ]
    assert log[3].reason == "缺少场馆面积证明"


def test_return_needs_a_reason(application, acc):
    transition(access=acc("county_filler"), obj=application, code="submit")
    with pytest.raises(DomainError) as e:
        transition(access=acc("county_reviewer"), obj=application, code="return_county", reason="")
    assert "必须填写理由" in e.value.message


def test_county_admin_cannot_grant_a_municipal_designation(application, acc, staff):
    d = application
    for who, code in (
        ("county_filler", "submit"),
        ("county_reviewer", "recommend"),
        ("city_reviewer", "review"),
    ):
        transition(access=acc(who), obj=d, code=code)
    assert [t.code for t in available_transitions(access=acc("county_admin"), obj=d)] == []
    with pytest.raises(PermissionDeniedError):
        transition(
            access=acc("county_admin"),
            obj=d,
            code="grant",
            data={"document_no": "x", "granted_on": "2024-03-01"},
        )


def test_revoke_from_a_date_after_rectify_and_recheck(granted, acc):
    d = granted(D(2023, 3, 10))
    transition(access=acc("city_admin"), obj=d, code="rectify", reason="2024年度评估不合格")
    assert d.state == State.RECTIFYING
    transition(access=acc("county_filler"), obj=d, code="request_recheck")
    assert d.state == State.REEXAMINING
    transition(access=acc("city_admin"), obj=d, code="recheck")
    assert d.state == State.GRANTED
    transition(
        access=acc("city_admin"), obj=d, code="revoke", reason="弄虚作假", data={"revoked_on": "2024-06-30"}
    )
    d.refresh_from_db()
    assert (d.state, d.revoked_on, d.ends_on, d.revocation_reason) == (
        State.REVOKED,
        D(2024, 6, 30),
        D(2024, 6, 29),
        "弄虚作假",
    )


def test_upward_designation_revoked_by_its_keeping_unit(granted, acc, staff):
    d = granted(D(2022, 5, 1), D(2025, 12, 31), level=Level.NATIONAL)
    assert d.issuer_unit is None
    transition(
        access=acc("county_admin"),
        obj=d,
        code="revoke",
        reason="中国科协通报撤销",
        data={"revoked_on": "2024-01-01"},
    )
    assert d.state == State.REVOKED


def test_expire_due_moves_past_terms_to_expired(granted):
    d = granted(D(2020, 1, 1), D(2021, 12, 31))
    assert services.designations_expire_due(today=D(2022, 1, 1)) == 1
    d.refresh_from_db()
    assert d.state == State.EXPIRED
    assert services.designations_expire_due(today=D(2022, 1, 1)) == 0


def test_inbox_holds_what_waits_not_every_granted_record(application, granted, acc):
    from kexie.workflows.selectors import inbox_count

    granted(D(2023, 3, 10), holder_name="已认定的学校")
    assert inbox_count(access=acc("city_admin")) == 0
    for who, code in (
        ("county_filler", "submit"),
        ("county_reviewer", "recommend"),
        ("city_reviewer", "review"),
    ):
        assert inbox_count(access=acc(who)) == 1  # it waits for this one now
        transition(access=acc(who), obj=application, code=code)
    assert inbox_count(access=acc("city_admin")) == 1  # 认定


def test_expire_command(granted):
    from io import StringIO

    from django.core.management import call_command

    d = granted(D(2020, 1, 1), D(2021, 12, 31))
    out = StringIO()
    call_command("expire_designations", stdout=out)
    d.refresh_from_db()
    assert d.state == State.EXPIRED
    assert "已到期：1条" in out.getvalue()


def test_recheck_is_its_own_state_waiting_for_the_issuer(granted, acc, staff):
    """复核: 整改 → 提请复核 (the keeping unit's 填报员) → 复核中, in force and in the issuer's 待办 →
    复核不通过 is a 撤销 from a date with the reason; the periodic review starts from 已认定."""
    from kexie.indicators.engine import evaluate
    from kexie.workflows.selectors import inbox_count

    d = granted(D(2023, 3, 10))
    other = granted(D(2023, 3, 10), holder_name="怀宁县第二中学")
    transition(access=acc("city_admin"), obj=d, code="rectify", reason="展教设施老化")
    assert inbox_count(access=acc("county_filler")) == 1  # 提请复核 waits for the keeping unit
    assert [t.code for t in available_transitions(access=acc("city_admin"), obj=d)] == ["revoke"]
    transition(access=acc("county_filler"), obj=d, code="request_recheck")
    assert d.state == State.REEXAMINING
    assert inbox_count(access=acc("county_filler")) == 0
    assert inbox_count(access=acc("city_admin")) == 1
    codes = [t.code for t in available_transitions(access=acc("city_admin"), obj=d)]
    assert codes == ["recheck", "recheck_fail"]
    assert not available_transitions(access=acc("county_admin"), obj=d)  # not the issuer
    result = evaluate(access=acc("city_admin"), indicators=["designations"], periods=["2024"])
    assert result.value("designations", "2024").value == 2  # 复核中 is still in force
    with pytest.raises(DomainError):  # 复核不通过 needs its reason
        transition(access=acc("city_admin"), obj=d, code="recheck_fail", data={"revoked_on": "2024-09-01"})
    transition(
        access=acc("city_admin"),
        obj=d,
        code="recheck_fail",
        reason="整改不到位",
        data={"revoked_on": "2024-09-01"},
    )
    d.refresh_from_db()
    assert (d.state, d.ends_on, d.revocation_reason) == (State.REVOKED, D(2024, 8, 31), "整改不到位")
    assert inbox_count(access=acc("city_admin")) == 0
    # the periodic review of a designation in good standing
    transition(access=acc("city_admin"), obj=other, code="start_recheck")
    assert other.state == State.REEXAMINING
    transition(access=acc("city_admin"), obj=other, code="recheck")
    assert other.state == State.GRANTED
