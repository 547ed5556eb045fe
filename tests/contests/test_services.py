"""Contest rules: teams of at most three of one 学段, one entry per student per edition, persons entered
once, advancement only upward, results, and the scoping of every write."""

import datetime as dt

import pytest

from kexie.contests import services
from kexie.contests.models import Entry, EntryMember
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.people.models import Person, PersonRole

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_team_entry_makes_its_students_and_tutor_persons_with_roles(edition, entry):
    e = entry(edition(), students="张明、李华，赵强")
    assert e.students == "张明、李华、赵强"
    names = list(e.members.order_by("order").values_list("person__name", flat=True))
    assert names == ["张明", "李华", "赵强"]
    roles = set(PersonRole.objects.filter(person__name="李华").values_list("role", flat=True))
    assert roles == {"student"}
    assert e.tutor.name == "王老师"
    assert PersonRole.objects.filter(person=e.tutor, role="tutor").exists()


def test_a_team_has_at_most_three_students(edition, entry):
    with pytest.raises(DomainError) as err:
        entry(edition(), students="甲、乙、丙、丁")
    assert err.value.field == "students"
    assert "最多3名学生，这里有4名（甲、乙、丙、丁）" in err.value.message


def test_team_members_must_share_one_school_stage(edition, entry):
    with pytest.raises(DomainError) as err:
        entry(edition(), students="甲、乙", school_stage="初中、高中")
    assert err.value.field == "school_stage"
    assert "同一学段" in err.value.message
    assert "初中、高中" in err.value.message
    same = entry(edition(name="另一届", held_on=D(2022, 5, 1)), students="甲、乙", school_stage="初中、初中")
    assert same.school_stage == "junior"


def test_one_entry_per_student_per_edition_names_the_student_and_the_other_entry(edition, entry):
    ed = edition()
    entry(ed, students="张明、李华")
    with pytest.raises(DomainError) as err:
        entry(ed, students="李华", title="另一个作品")
    assert err.value.message == (
        "学生“李华”（怀宁县实验中学）在本届已有参赛作品“校园雨水回收装置”，每名学生每届只能报一项作品。"
    )
    # the same student in another edition is fine, and is the same person
    other = entry(edition(name="下一届", held_on=D(2024, 5, 1)), students="李华", title="另一个作品")
    assert Person.objects.filter(name="李华").count() == 1
    assert other.members.get().person.name == "李华"


def test_advancement_goes_to_a_higher_level_with_the_same_persons(edition, entry, acc, staff):
    city = edition("municipal")
    province = edition("provincial", name="安徽省青少年科技创新大赛", held_on=D(2023, 8, 1))
    e = entry(city, students="张明、李华", prize="first")
    up = services.entry_advance(
        access=acc("city_filler"), actor=staff["city_filler"], entry=e, edition=province
    )
    assert up.advanced_from == e
    assert up.org_unit == e.org_unit
    assert up.prize == ""
    assert set(up.members.values_list("person", flat=True)) == set(e.members.values_list("person", flat=True))
    assert up.tutor == e.tutor
    with pytest.raises(DomainError, match="已晋级到"):
        services.entry_advance(
            access=acc("city_filler"), actor=staff["city_filler"], entry=e, edition=province
        )
    with pytest.raises(DomainError, match="已晋级到“安徽省青少年科技创新大赛”"):
        services.entry_delete(access=acc("county_filler"), actor=staff["county_filler"], entry=e)


def test_advancement_never_goes_down_or_sideways(edition, entry, acc, staff):
    city = edition("municipal")
    county = edition("county", name="怀宁县赛", held_on=D(2023, 6, 1))
    e = entry(city)
    with pytest.raises(DomainError) as err:
        services.entry_advance(access=acc("city_filler"), actor=staff["city_filler"], entry=e, edition=county)
    assert "晋级只能进入更高一级的赛事：原作品在市级赛事，所选“怀宁县赛”是县级" in err.value.message
    early = edition("provincial", name="省赛（早）", held_on=D(2023, 1, 1))
    with pytest.raises(DomainError, match="早于原作品所在赛事"):
        services.entry_advance(access=acc("city_filler"), actor=staff["city_filler"], entry=e, edition=early)


def test_results_and_their_choices(edition, entry, acc, staff):
    e = entry(edition())
    services.entry_set_prize(
        access=acc("county_filler"), actor=staff["county_filler"], entry=e, prize="二等奖"
    )
    assert Entry.objects.get(pk=e.pk).prize == "second"
    with pytest.raises(DomainError, match="奖项只能是一等奖、二等奖、三等奖、优秀奖、专项奖，或留空"):
        services.entry_set_prize(
            access=acc("county_filler"), actor=staff["county_filler"], entry=e, prize="特等奖"
        )


def test_writes_outside_the_scope_are_refused(edition, entry, tree, acc, staff):
    ed = edition()
    with pytest.raises(PermissionDeniedError):
        entry(ed, who="county_filler", org_unit=tree["county2"])
    e = entry(ed)
    with pytest.raises(PermissionDeniedError):
        services.entry_set_prize(access=acc("outsider"), actor=staff["outsider"], entry=e, prize="first")
    # a county filler cannot enter an entry for an edition it cannot see (another city's)
    other = edition(unit=tree["other_city"], who="province_sysadmin", name="池州市大赛")
    with pytest.raises(PermissionDeniedError):
        entry(other)


def test_an_edition_with_entries_is_not_deleted(edition, entry, acc, staff):
    ed = edition()
    entry(ed)
    with pytest.raises(DomainError, match="已有1项参赛作品，不能删除"):
        services.edition_delete(access=acc("city_filler"), actor=staff["city_filler"], edition=ed)
    assert EntryMember.objects.filter(edition=ed).count() == 1
