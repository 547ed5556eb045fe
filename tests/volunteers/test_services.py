"""Volunteering rules: a person registered once, roster lines, hours confirmed by the team's organising
unit and never by the volunteer's own account, cumulative hours and stars from the area's scale."""

import datetime as dt
from decimal import Decimal

import pytest

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.people.models import Person
from kexie.volunteers import services
from kexie.volunteers.models import ServiceRecord, Volunteer
from kexie.workflows.services import transition

D = dt.date
pytestmark = pytest.mark.django_db


def test_roster_lines_register_a_person_once(join, team, staff, acc, tree, id_number):
    number = id_number("34082219900101001")
    m = join("张明", id_number=number, phone="13800001234")
    other = services.team_create(
        access=acc("county_filler"),
        actor=staff["county_filler"],
        data=services.TeamData(
            org_unit=tree["county"], name="第二服务队", kind="medical", flagged_on=D(2022, 1, 1)
        ),
    )
    m2 = join("张明", team=other, id_number=number)
    assert m.volunteer == m2.volunteer
    assert Person.objects.filter(name="张明").count() == 1
    person = m.volunteer.person
    assert number not in (person.id_masked, person.id_hash)
    assert set(person.roles.values_list("role", flat=True)) == {"volunteer"}
    with pytest.raises(DomainError, match="已是服务队“怀宁县科技志愿服务大队”的队员"):
        join("张明", id_number=number)


def test_joining_before_the_team_was_flagged_is_refused(join):
    with pytest.raises(DomainError) as err:
        join(joined_on=D(2021, 1, 1))
    assert err.value.field == "joined_on"
    assert "早于服务队授旗日期（2022-03-05）" in err.value.message


def test_hours_count_only_once_confirmed_by_the_team_unit(join, held, log_hours, acc):
    m = join()
    r = log_hours(m, held(), "3.5")
    assert r.state == "pending"
    assert Volunteer.objects.get(pk=m.volunteer.pk).hours_total == 0
    transition(access=acc("county_reviewer"), obj=r, code="confirm")
    v = Volunteer.objects.get(pk=m.volunteer.pk)
    assert v.hours_total == Decimal("3.5")
    assert ServiceRecord.objects.get(pk=r.pk).confirmed_by_id is not None


def test_the_filler_cannot_confirm_and_the_volunteers_own_account_never_can(
    join, held, log_hours, acc, staff
):
    m = join()
    r = log_hours(m, held())
    with pytest.raises(PermissionDeniedError, match="不能“确认”"):
        transition(access=acc("county_filler"), obj=r, code="confirm")
    # the volunteer has an account — the reviewer's own — which may therefore not confirm
    Volunteer.objects.filter(pk=m.volunteer.pk).update(account=staff["county_reviewer"])
    r = ServiceRecord.objects.get(pk=r.pk)
    with pytest.raises(PermissionDeniedError, match="志愿者本人不能确认自己的服务时长"):
        transition(access=acc("county_reviewer"), obj=r, code="confirm")
    r = ServiceRecord.objects.get(pk=r.pk)
    assert r.state == "pending"  # nothing moved
    transition(access=acc("county_admin"), obj=r, code="confirm")
    assert ServiceRecord.objects.get(pk=r.pk).state == "confirmed"


def test_a_sibling_county_cannot_confirm(join, held, log_hours, acc, staff, tree):
    from kexie.orgs.models import Role
    from kexie.orgs.scoping import access_for
    from tests.factories import make_user

    m = join()
    r = log_hours(m, held())
    sibling = make_user("sibling_reviewer", tree["county2"], Role.REVIEWER)
    with pytest.raises(PermissionDeniedError):
        transition(access=access_for(sibling), obj=r, code="confirm")


def test_reject_needs_a_reason_and_resubmit_returns_it(join, held, log_hours, acc):
    r = log_hours(join(), held())
    with pytest.raises(DomainError, match="必须填写理由"):
        transition(access=acc("county_reviewer"), obj=r, code="reject")
    transition(access=acc("county_reviewer"), obj=r, code="reject", reason="当天未到场")
    transition(access=acc("county_filler"), obj=r, code="resubmit")
    assert r.state == "pending"


def test_service_record_rules(join, held, log_hours, tree):
    m = join(joined_on=D(2023, 1, 1))
    with pytest.raises(DomainError, match="超过了活动的天数（1天）"):
        log_hours(m, held(), "25")
    with pytest.raises(DomainError, match="服务时长应为数字"):
        log_hours(m, held(title="另一次"), "三小时")
    with pytest.raises(DomainError, match="不在服务队"):
        log_hours(m, held(D(2022, 12, 1), title="更早"), "2")
    a = held(title="第三次")
    log_hours(m, a, "2")
    with pytest.raises(DomainError, match="已经登记过了"):
        log_hours(m, a, "1")


def test_stars_follow_the_areas_scale(join, held, log_hours, acc, staff, tree):
    m = join()
    r = log_hours(m, held(D(2023, 5, 20), end_date=D(2023, 5, 24)), "110")
    transition(access=acc("county_reviewer"), obj=r, code="confirm")
    assert Volunteer.objects.get(pk=m.volunteer.pk).star == 1  # default 100/300/…
    data = services.ScaleData(org_unit=tree["city"], star1=50, star2=100, star3=200, star4=400, star5=800)
    with pytest.raises(PermissionDeniedError):  # a filler does not set the scale
        services.scale_create(access=acc("county_filler"), actor=staff["county_filler"], data=data)
    services.scale_create(access=acc("city_admin"), actor=staff["city_admin"], data=data)
    assert Volunteer.objects.get(pk=m.volunteer.pk).star == 2
    bad = services.ScaleData(org_unit=tree["county"], star1=50, star2=40, star3=200, star4=400, star5=800)
    with pytest.raises(DomainError, match="2星的小时数（40）应大于1星的（50）"):
        services.scale_create(access=acc("county_admin"), actor=staff["county_admin"], data=bad)


def test_a_confirmed_record_is_not_edited(join, held, log_hours, acc, staff):
    r = log_hours(join(), held())
    transition(access=acc("county_reviewer"), obj=r, code="confirm")
    with pytest.raises(DomainError, match="已确认的服务记录不能删除"):
        services.service_delete(access=acc("county_filler"), actor=staff["county_filler"], record=r)


def test_only_lines_entered_by_mistake_are_deleted(join, held, log_hours, team, acc, staff):
    m = join()
    log_hours(m, held())
    with pytest.raises(DomainError, match="已有服务记录，不能删除；退队请填写退出日期"):
        services.member_delete(access=acc("county_filler"), actor=staff["county_filler"], member=m)
    with pytest.raises(DomainError, match="已有1条队员记录，不能删除"):
        services.team_delete(access=acc("county_filler"), actor=staff["county_filler"], team=team)
    spare = join("李华")
    services.member_delete(access=acc("county_filler"), actor=staff["county_filler"], member=spare)
    assert Volunteer.objects.filter(name="李华").exists()  # the registration stays
