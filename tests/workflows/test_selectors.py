"""What each actor may do to a record, and the inbox: per user, scoped, counted in one query."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.workflows.selectors import available_transitions, inbox_count, inbox_items, inbox_rows


def _codes(transitions):
    return [t.code for t in transitions]


@pytest.mark.parametrize(
    ("persona", "state", "expected"),
    [
        ("township_filler", "draft", ["apply"]),
        ("county_filler", "draft", []),
        ("county_reviewer", "applied", ["recommend", "return"]),
        ("city_reviewer", "applied", ["return"]),
        ("city_reviewer", "recommended", ["approve", "return"]),
        ("county_reviewer", "recommended", ["return"]),
        ("city_admin", "approved", ["grant"]),
        ("county_admin", "approved", []),
        ("city_admin", "granted", ["revoke"]),  # never the system's 到期
        ("city_admin", "revoked", []),
        ("outsider", "approved", []),
    ],
)
def test_available_transitions_follow_state_role_and_place(application, acc, persona, state, expected):
    assert _codes(available_transitions(access=acc(persona), obj=application(state=state))) == expected


@pytest.fixture
def waiting_records(application):
    return {
        "t_draft": application(unit="township", state="draft", title="镇-填报中"),
        "t_applied": application(unit="township", state="applied", title="镇-已申报"),
        "c_applied": application(unit="county", state="applied", title="县-已申报"),
        "c2_applied": application(unit="county2", state="applied", title="桐城-已申报"),
        "t_recommended": application(unit="township", state="recommended", title="镇-已推荐"),
        "c_approved": application(unit="county", state="approved", title="县-已审核"),
        "p_approved": application(unit="county", state="approved", issuer="province", title="县-省认定"),
        "o_applied": application(
            unit="other_county", state="applied", issuer="other_city", title="池州-已申报"
        ),
        "granted": application(unit="township", state="granted", title="镇-已认定"),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("township_filler", {"镇-填报中"}),
        ("county_filler", set()),  # 申报 is for the unit's own filler; nothing else is the filler's
        ("county_reviewer", {"镇-已申报", "县-已申报", "镇-已推荐"}),  # recommend or return; not 桐城's
        ("county2_reviewer", {"桐城-已申报"}),
        (
            "city_reviewer",
            {"镇-已申报", "县-已申报", "桐城-已申报", "镇-已推荐"},  # return what waits; approve 镇-已推荐
        ),
        ("city_admin", {"县-已审核"}),  # grant where the city issues; 撤销 is possible, not a task
        ("province_sysadmin", set()),  # the province issues 县-省认定, but holds no 管理员 role
        ("outsider", set()),
        ("other_reviewer", {"池州-已申报"}),
    ],
)
def test_the_inbox_holds_what_waits_for_this_membership(waiting_records, acc, persona, expected):
    access = acc(persona)
    rows = list(inbox_rows(access=access))
    assert {str(item.obj) for item in inbox_items(access=access, rows=rows)} == expected
    assert inbox_count(access=access) == len(expected)


def test_every_inbox_item_offers_only_what_the_user_may_take(waiting_records, acc):
    access = acc("county_reviewer")
    items = {str(i.obj): i for i in inbox_items(access=access, rows=list(inbox_rows(access=access)))}
    assert _codes(items["镇-已申报"].transitions) == ["recommend", "return"]
    assert _codes(items["镇-已推荐"].transitions) == ["return"]
    assert items["镇-已申报"].unit.name == "高河镇科协"
    assert items["镇-已申报"].state_label == "已申报"


def test_the_inbox_lists_the_longest_waiting_first(waiting_records, acc):
    from datetime import timedelta

    from tests.workflows.lifecycle import Application

    early = waiting_records["c_applied"]
    Application.objects.filter(pk=early.pk).update(
        state_changed_at=early.state_changed_at - timedelta(days=3)
    )
    access = acc("county_reviewer")
    items = inbox_items(access=access, rows=list(inbox_rows(access=access)))
    assert str(items[0].obj) == "县-已申报"


def test_the_inbox_count_is_one_query(waiting_records, acc):
    access = acc("city_reviewer")
    access.unit  # noqa: B018 - warm the per-request cache like a page does
    inbox_count(access=access)  # warm the content-type cache
    with CaptureQueriesContext(connection) as ctx:
        assert inbox_count(access=access) == 4
    assert len(ctx.captured_queries) == 1


def test_a_role_with_nothing_to_take_costs_no_query(waiting_records, acc):
    access = acc("county_viewer")
    with CaptureQueriesContext(connection) as ctx:
        assert inbox_count(access=access) == 0
    assert len(ctx.captured_queries) == 0


def test_the_inbox_query_agrees_with_the_per_record_check_for_every_persona(waiting_records, cast, acc):
    """The inbox filters in SQL (Place.q); the panel checks one record in Python (Place.matches)."""
    from kexie.orgs.scoping import scope
    from tests.workflows.lifecycle import Application

    app_ct = ContentType.objects.get_for_model(Application).pk
    for persona in cast:
        access = acc(persona)
        by_check = {
            a.pk
            for a in scope(Application.objects.all(), access)
            if any(t.inbox for t in available_transitions(access=access, obj=a))
        }
        assert {oid for ct, oid, _ in inbox_rows(access=access) if ct == app_ct} == by_check, persona
