"""A unit merge moves the source's contest entries, editions, teams, roster lines, volunteers and service
records to the target, or refuses a clash of names before anything moves."""

import datetime as dt

import pytest

from kexie.contests import services as contests
from kexie.contests.models import Edition, Entry
from kexie.core.errors import DomainError
from kexie.orgs.scoping import access_for
from kexie.orgs.services import orgunit_merge
from kexie.volunteers import services as volunteers
from kexie.volunteers.models import Team, TeamMember, Volunteer

D = dt.date
pytestmark = pytest.mark.django_db


def test_merge_moves_contests_and_volunteering(tree, people, edition, entry):
    sysadmin = people["province_sysadmin"]
    a = access_for(sysadmin)
    e = entry(edition(), org_unit=tree["county2"], who="province_sysadmin")
    own = contests.edition_create(
        access=a,
        actor=sysadmin,
        data=contests.EditionData(tree["county2"], "桐城市赛", "county", D(2023, 3, 1)),
    )
    team = volunteers.team_create(
        access=a,
        actor=sysadmin,
        data=volunteers.TeamData(tree["county2"], "桐城大队", "association", D(2022, 1, 1)),
    )
    member = volunteers.member_create(
        access=a, actor=sysadmin, data=volunteers.MemberData(team, "丙", D(2022, 2, 1))
    )
    orgunit_merge(
        access=access_for(people["city_admin"]),
        source=tree["county2"],
        target=tree["county"],
        on=D(2026, 1, 1),
    )
    assert Entry.objects.get(pk=e.pk).org_unit == tree["county"]
    assert Edition.objects.get(pk=own.pk).org_unit == tree["county"]
    assert Team.objects.get(pk=team.pk).org_unit == tree["county"]
    assert TeamMember.objects.get(pk=member.pk).org_unit == tree["county"]
    assert Volunteer.objects.get(pk=member.volunteer.pk).org_unit == tree["county"]


def test_a_clash_of_team_names_refuses_the_merge(tree, people):
    sysadmin = people["province_sysadmin"]
    a = access_for(sysadmin)
    for unit in ("county", "county2"):
        volunteers.team_create(
            access=a,
            actor=sysadmin,
            data=volunteers.TeamData(tree[unit], "科技志愿服务大队", "association", D(2022, 1, 1)),
        )
    with pytest.raises(DomainError, match="服务队“科技志愿服务大队”与“怀宁县科学技术协会”的同名服务队重复"):
        orgunit_merge(
            access=access_for(people["city_admin"]),
            source=tree["county2"],
            target=tree["county"],
            on=D(2026, 1, 1),
        )
    assert Team.objects.filter(org_unit=tree["county2"]).count() == 1


def test_a_person_merge_moves_entries_and_the_volunteer_registration(tree, people, edition, entry):
    from kexie.people.models import Person
    from kexie.people.services import person_merge

    sysadmin = people["province_sysadmin"]
    a = access_for(sysadmin)
    e1 = entry(edition(), students="张明")
    e2 = entry(
        edition(name="下一届", held_on=D(2024, 5, 1)), students="张明", school="怀宁县第二中学", title="二"
    )
    kept, duplicate = e1.members.get().person, e2.members.get().person
    assert kept != duplicate  # another school: entered as another person
    team = volunteers.team_create(
        access=a,
        actor=sysadmin,
        data=volunteers.TeamData(tree["county"], "大队", "association", D(2022, 1, 1)),
    )
    other = volunteers.team_create(
        access=a,
        actor=sysadmin,
        data=volunteers.TeamData(tree["county"], "二队", "association", D(2022, 1, 1)),
    )
    m1 = volunteers.member_create(
        access=a, actor=sysadmin, data=volunteers.MemberData(team, "甲", D(2022, 3, 1))
    )
    m2 = volunteers.member_create(
        access=a, actor=sysadmin, data=volunteers.MemberData(other, "甲", D(2022, 2, 1))
    )
    assert m1.volunteer != m2.volunteer  # no ID number: two registrations
    person_merge(access=a, actor=sysadmin, source=duplicate, target=kept)
    assert e2.members.get().person == kept
    person_merge(access=a, actor=sysadmin, source=m2.volunteer.person, target=m1.volunteer.person)
    assert Volunteer.objects.filter(person__name="甲").count() == 1
    assert TeamMember.objects.get(pk=m2.pk).volunteer == m1.volunteer
    assert Volunteer.objects.get(pk=m1.volunteer.pk).registered_on == D(2022, 2, 1)
    assert Person.objects.get(pk=m2.volunteer.person.pk).merged_into == m1.volunteer.person


def test_a_person_merge_refuses_two_entries_of_one_edition(tree, people, edition, entry):
    from kexie.people.services import person_merge

    ed = edition()
    a = entry(ed, students="张明")
    b = entry(ed, students="张明", school="怀宁县第二中学", title="二")
    with pytest.raises(DomainError, match="各有一项参赛作品"):
        person_merge(
            access=access_for(people["province_sysadmin"]),
            actor=people["province_sysadmin"],
            source=b.members.get().person,
            target=a.members.get().person,
        )
