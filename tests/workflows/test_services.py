"""transition(): states, roles and places, reasons and fields, compare-and-set, the log, the hook."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs.models import Role
from kexie.workflows.definitions import State, Transition, Workflow
from kexie.workflows.models import TransitionLog
from kexie.workflows.selectors import object_log
from kexie.workflows.services import StaleState, TransitionNotAllowed, record_start, transition
from tests.factories import make_user
from tests.workflows.lifecycle import HOOK_CALLS, Application

# ---- declarations --------------------------------------------------------------------------------


def test_a_return_without_a_required_reason_is_refused_at_declaration():
    with pytest.raises(ImproperlyConfigured, match="must require a reason"):
        Workflow(
            name="x",
            label="x",
            initial="a",
            states=(State("a", "甲"), State("b", "乙")),
            transitions=(Transition("back", "退回", ("b",), "a", roles=(Role.REVIEWER,)),),
        )


def test_undeclared_states_and_moves_out_of_terminal_states_are_refused_at_declaration():
    with pytest.raises(ImproperlyConfigured) as exc:
        Workflow(
            name="x",
            label="x",
            initial="a",
            states=(State("a", "甲"), State("end", "结束", terminal=True)),
            transitions=(
                Transition("go", "前进", ("a",), "nowhere", roles=(Role.FILLER,)),
                Transition("again", "重开", ("end",), "a", roles=(Role.ADMIN,)),
            ),
        )
    assert "undeclared state 'nowhere'" in str(exc.value)
    assert "leaves terminal state 'end'" in str(exc.value)


# ---- roles and places ----------------------------------------------------------------------------


def test_the_filler_of_the_records_own_unit_applies(application, acc):
    app = application()
    log = transition(access=acc("township_filler"), obj=app, code="apply")
    app.refresh_from_db()
    assert app.state == "applied"
    assert log.to_state == "applied"


def test_a_filler_above_the_unit_may_not_apply_for_it(application, acc):
    app = application()
    with pytest.raises(PermissionDeniedError, match="须由本单位的填报员办理"):
        transition(access=acc("county_filler"), obj=app, code="apply")
    app.refresh_from_db()
    assert app.state == "draft"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("county_reviewer", True),  # the county above the township
        ("township_reviewer", False),  # its own unit is not a county
        ("city_reviewer", False),  # the city is not the county level
        ("county2_reviewer", False),  # another county: outside its scope
        ("other_reviewer", False),  # another city altogether
        ("county_admin", False),  # right place, wrong role
    ],
)
def test_recommend_is_for_the_county_reviewer_above_the_record(application, acc, persona, allowed):
    app = application(state="applied")
    if allowed:
        transition(access=acc(persona), obj=app, code="recommend")
        assert Application.objects.get(pk=app.pk).state == "recommended"
    else:
        with pytest.raises(PermissionDeniedError, match="县级科协的审核员"):
            transition(access=acc(persona), obj=app, code="recommend")
        assert Application.objects.get(pk=app.pk).state == "applied"


def test_the_county_level_includes_the_county_itself(application, acc):
    app = application(unit="county", state="applied")
    transition(access=acc("county_reviewer"), obj=app, code="recommend")
    assert Application.objects.get(pk=app.pk).state == "recommended"


def test_approval_is_for_the_city_reviewer_not_the_county(application, acc):
    app = application(state="recommended")
    with pytest.raises(PermissionDeniedError):
        transition(access=acc("county_reviewer"), obj=app, code="approve")
    transition(access=acc("city_reviewer"), obj=app, code="approve")
    assert Application.objects.get(pk=app.pk).state == "approved"


def test_grant_is_for_the_admin_of_the_issuing_unit_only(application, acc):
    app = application(state="approved", issuer="city")
    data = {"document_no": "宜科协〔2026〕8号", "granted_on": "2026-11-30"}
    with pytest.raises(PermissionDeniedError, match="认定单位的管理员"):
        transition(access=acc("county_admin"), obj=app, code="grant", data=data)
    transition(access=acc("city_admin"), obj=app, code="grant", data=data)
    assert Application.objects.get(pk=app.pk).state == "granted"


def test_the_active_membership_decides_not_the_other_roles_of_the_user(application, cast, tree):
    from kexie.orgs.models import Membership
    from kexie.orgs.scoping import access_for

    user = cast["county_filler"]
    Membership.objects.create(user=user, org_unit=tree["county"], role=Role.REVIEWER)
    as_filler = access_for(user, Membership.objects.get(user=user, role=Role.FILLER).pk)
    as_reviewer = access_for(user, Membership.objects.get(user=user, role=Role.REVIEWER).pk)
    app = application(state="applied")
    with pytest.raises(PermissionDeniedError):
        transition(access=as_filler, obj=app, code="recommend")
    transition(access=as_reviewer, obj=app, code="recommend")


# ---- states, reasons, fields ---------------------------------------------------------------------


def test_a_transition_not_leaving_the_current_state_is_refused_in_chinese(application, acc):
    app = application(state="draft")
    with pytest.raises(TransitionNotAllowed, match="当前状态为“填报中”，不能“推荐”"):
        transition(access=acc("county_reviewer"), obj=app, code="recommend")


def test_an_unknown_transition_is_refused_in_chinese(application, acc):
    with pytest.raises(TransitionNotAllowed, match="没有“fly”这一操作"):
        transition(access=acc("township_filler"), obj=application(), code="fly")


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_a_reason_is_refused_and_nothing_changes(application, acc, reason):
    app = application(state="recommended")
    with pytest.raises(DomainError, match="“退回”必须填写理由") as exc:
        transition(access=acc("city_reviewer"), obj=app, code="return", reason=reason)
    assert exc.value.field == "reason"
    assert Application.objects.get(pk=app.pk).state == "recommended"
    assert not TransitionLog.objects.exists()


def test_return_with_a_reason_goes_back_to_draft_and_keeps_the_reason(application, acc):
    app = application(state="recommended")
    transition(access=acc("city_reviewer"), obj=app, code="return", reason="  申报书缺少场馆照片  ")
    assert Application.objects.get(pk=app.pk).state == "draft"
    assert object_log(obj=app).get().reason == "申报书缺少场馆照片"


def test_grant_without_its_document_number_names_the_field(application, acc):
    app = application(state="approved")
    with pytest.raises(DomainError, match="“认定”的文号：这个字段是必填项。") as exc:
        transition(access=acc("city_admin"), obj=app, code="grant", data={"granted_on": "2026-11-30"})
    assert exc.value.field == "document_no"


def test_grant_with_a_bad_date_names_the_field(application, acc):
    app = application(state="approved")
    with pytest.raises(DomainError, match="“认定”的认定日期") as exc:
        transition(
            access=acc("city_admin"), obj=app, code="grant", data={"document_no": "8号", "granted_on": "明天"}
        )
    assert exc.value.field == "granted_on"


def test_the_hook_writes_the_records_fields_and_the_log_keeps_the_data(application, acc):
    app = application(state="approved")
    transition(
        access=acc("city_admin"),
        obj=app,
        code="grant",
        data={"document_no": "宜科协〔2026〕8号", "granted_on": date(2026, 11, 30)},
    )
    app.refresh_from_db()
    assert (app.document_no, app.granted_on) == ("宜科协〔2026〕8号", date(2026, 11, 30))
    assert object_log(obj=app).get().data == {"document_no": "宜科协〔2026〕8号", "granted_on": "2026-11-30"}
    assert HOOK_CALLS == ["grant"]


def test_a_hook_refusing_rolls_back_the_state_and_the_log(application, acc):
    app = application(state="approved")
    with pytest.raises(DomainError, match="文号已被使用"):
        transition(
            access=acc("city_admin"),
            obj=app,
            code="grant",
            data={"document_no": "拒绝", "granted_on": "2026-11-30"},
        )
    assert Application.objects.get(pk=app.pk).state == "approved"
    assert not TransitionLog.objects.exists()


def test_a_refused_transition_leaves_the_object_in_memory_as_it_was(application, acc, tree):
    app = application(state="approved")
    before = (app.state, app.state_changed_at, app.document_no, app.granted_on, app.title, app.org_unit)
    for document_no in ("拒绝", "写入后拒绝"):  # refused before / after the hook changed fields and saved
        with pytest.raises(DomainError):
            transition(
                access=acc("city_admin"),
                obj=app,
                code="grant",
                data={"document_no": document_no, "granted_on": "2026-11-30"},
            )
        assert (
            app.state,
            app.state_changed_at,
            app.document_no,
            app.granted_on,
            app.title,
            app.org_unit,
        ) == before
        stored = Application.objects.get(pk=app.pk)
        assert (stored.state, stored.document_no, stored.granted_on, stored.title) == before[:1] + before[2:5]
    assert not TransitionLog.objects.exists()
    # the object is usable as is: the same transition with good data then goes through
    transition(
        access=acc("city_admin"),
        obj=app,
        code="grant",
        data={"document_no": "宜科协〔2026〕8号", "granted_on": "2026-11-30"},
    )
    assert app.state == Application.objects.get(pk=app.pk).state == "granted"


def test_a_system_transition_is_taken_without_a_user_and_never_by_one(application, acc):
    app = application(state="granted")
    with pytest.raises(PermissionDeniedError):
        transition(access=acc("city_admin"), obj=app, code="expire")
    log = transition(access=None, obj=app, code="expire")
    assert (log.user, log.unit, Application.objects.get(pk=app.pk).state) == (None, None, "expired")


def test_nobody_but_the_system_takes_a_user_transition_without_access(application):
    with pytest.raises(PermissionDeniedError, match="须由用户办理"):
        transition(access=None, obj=application(), code="apply")


# ---- compare-and-set -----------------------------------------------------------------------------


def test_the_second_of_two_concurrent_reviewers_gets_already_handled_and_nothing_is_written(
    application, acc, tree
):
    make_user("county_reviewer_b", tree["county"], Role.REVIEWER)
    from kexie.accounts.models import User
    from kexie.orgs.scoping import access_for

    app = application(state="applied")
    seen_by_a = Application.objects.get(pk=app.pk)  # both opened the page while it was 已申报
    seen_by_b = Application.objects.get(pk=app.pk)
    transition(access=acc("county_reviewer"), obj=seen_by_a, code="recommend")
    with pytest.raises(StaleState, match="已被他人处理（当前状态：已推荐）"):
        transition(
            access=access_for(User.objects.get(username="county_reviewer_b")),
            obj=seen_by_b,
            code="return",
            reason="材料不全",
        )
    assert Application.objects.get(pk=app.pk).state == "recommended"
    assert list(object_log(obj=app).values_list("transition", flat=True)) == ["recommend"]
    assert HOOK_CALLS == ["recommend"]


def test_a_record_deleted_meanwhile_is_reported_not_crashed(application, acc):
    app = application(state="applied")
    Application.objects.filter(pk=app.pk).delete()
    with pytest.raises(StaleState, match="当前状态：已删除"):
        transition(access=acc("county_reviewer"), obj=app, code="recommend")


# ---- the log -------------------------------------------------------------------------------------


def test_the_log_keeps_who_which_unit_role_when_and_the_states(application, acc, cast, tree):
    app = application()
    record_start(access=acc("township_filler"), obj=app)
    transition(access=acc("township_filler"), obj=app, code="apply", reason="请审核")
    transition(access=acc("county_reviewer"), obj=app, code="recommend")
    rows = list(object_log(obj=app))
    assert [(r.label, r.from_state, r.to_state) for r in rows] == [
        ("创建", "", "draft"),
        ("申报", "draft", "applied"),
        ("推荐", "applied", "recommended"),
    ]
    assert [(r.user, r.unit, r.role) for r in rows[1:]] == [
        (cast["township_filler"], tree["township"], Role.FILLER),
        (cast["county_reviewer"], tree["county"], Role.REVIEWER),
    ]
    assert rows[1].reason == "请审核"
    assert rows[0].at <= rows[1].at <= rows[2].at
    app.refresh_from_db()
    assert app.state_changed_at == rows[2].at
