"""The one scoping mechanism: subtree ranges, role actions, 404 on anything outside."""

import logging

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from kexie.orgs.models import Membership, OrgUnit
from kexie.orgs.scoping import Action, access_for, get_in_scope, path_upper_bound, scope

ALPHABET = OrgUnit.alphabet
paths = st.lists(st.text(alphabet=ALPHABET, min_size=4, max_size=4), min_size=1, max_size=4).map("".join)


@given(prefix=paths, other=paths)
def test_path_upper_bound_separates_the_subtree_from_everything_else(prefix, other):
    inside = other.startswith(prefix)
    in_range = prefix <= other < path_upper_bound(prefix)
    assert inside == in_range


def test_path_upper_bound_carries_past_the_last_character():
    assert path_upper_bound("0001") == "0002"
    assert path_upper_bound("000Z") == "001"
    assert path_upper_bound("ZZZZ") == "~"


def test_county_user_sees_exactly_its_subtree(tree, access_of):
    seen = set(scope(OrgUnit.objects.all(), access_of("county_filler")).values_list("code", flat=True))
    assert seen == {"340822", "340822100000"}


def test_city_admin_sees_city_subtree_but_not_the_other_city(tree, access_of):
    seen = set(scope(OrgUnit.objects.all(), access_of("city_admin")).values_list("code", flat=True))
    assert seen == {"340800", "340822", "340822100000", "340881", "340800-S01"}


def test_outsider_sees_nothing_of_the_city(tree, access_of):
    seen = set(scope(OrgUnit.objects.all(), access_of("outsider")).values_list("code", flat=True))
    assert seen == {"341700", "341702"}


def test_scope_is_one_query_whatever_the_depth(tree, access_of):
    access = access_of("city_admin")
    access.unit  # noqa: B018 - warm the per-request cache like a page does
    with CaptureQueriesContext(connection) as ctx:
        list(scope(OrgUnit.objects.all(), access))
    assert len(ctx.captured_queries) == 1
    assert "LIKE" not in ctx.captured_queries[0]["sql"].upper()  # a range, answered from the index


@pytest.mark.parametrize(
    ("persona", "action", "allowed"),
    [
        ("county_viewer", Action.VIEW, True),
        ("county_viewer", Action.ENTER, False),
        ("county_viewer", Action.MANAGE, False),
        ("county_filler", Action.ENTER, True),
        ("county_filler", Action.MANAGE, False),
        ("county_admin", Action.MANAGE, True),
        ("county_admin", Action.ENTER, False),
        ("province_sysadmin", Action.SYSTEM, True),
        ("city_admin", Action.SYSTEM, False),
    ],
)
def test_role_actions(tree, access_of, persona, action, allowed):
    access = access_of(persona)
    assert access.can(action) is allowed
    assert scope(OrgUnit.objects.all(), access, action).exists() is allowed


def test_get_in_scope_returns_404_and_logs_for_an_existing_unit_outside(tree, access_of, caplog):
    with caplog.at_level(logging.WARNING, logger="kexie.security"), pytest.raises(Http404):
        get_in_scope(OrgUnit.objects.all(), access_of("county_filler"), Action.VIEW, pk=tree["city"].pk)
    assert "scope denial" in caplog.text


def test_get_in_scope_does_not_log_for_a_missing_object(tree, access_of, caplog):
    with caplog.at_level(logging.WARNING, logger="kexie.security"), pytest.raises(Http404):
        get_in_scope(OrgUnit.objects.all(), access_of("county_filler"), Action.VIEW, pk=999999)
    assert "scope denial" not in caplog.text


def test_active_membership_selects_the_scope(tree, people):
    user = people["county_filler"]
    second = Membership.objects.create(user=user, org_unit=tree["other_county"], role="viewer")
    default = access_for(user)
    chosen = access_for(user, second.pk)
    assert default.unit.code == "340822"
    assert chosen.unit.code == "341702"
    assert not chosen.can(Action.ENTER)
    assert set(scope(OrgUnit.objects.all(), chosen).values_list("code", flat=True)) == {"341702"}


def test_inactive_user_has_no_access(tree, people):
    user = people["county_admin"]
    user.is_active = False
    user.save()
    assert not access_for(user).can(Action.VIEW)
