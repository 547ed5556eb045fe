"""A unit merge moves the source's rounds, nominations and awards, or refuses a clash of rounds naming both."""

import datetime as dt

import pytest

from kexie.core.errors import DomainError
from kexie.honours.models import Award, Level, Nomination, Round
from kexie.orgs.services import orgunit_merge


def test_merge_moves_nominations_awards_and_rounds(make_round, nominate, walk, tree, acc, staff, programme):
    from kexie.honours import services

    award = services.award_create(
        access=acc("county2_filler"),
        actor=staff["county2_filler"],
        data=services.AwardData(
            org_unit=tree["county2"], programme=programme("zuimei"), level=Level.PROVINCIAL, year=2024,
            awarded_on=dt.date(2024, 5, 30), recipient_name="李四", document_no="皖科协发〔2024〕3号",
        ),
    )  # fmt: skip
    r = make_round("zuimei", Level.MUNICIPAL, unit="county2", who="city_admin")  # a county collects upward
    n = walk(nominate(r, "张三", unit="county2", who="county2_filler"), "recommend", actor="county2_filler")
    orgunit_merge(
        access=acc("city_admin"), source=tree["county2"], target=tree["county"], on=dt.date(2026, 1, 1)
    )
    assert Round.objects.get(pk=r.pk).org_unit == tree["county"]
    assert Nomination.objects.get(pk=n.pk).org_unit == tree["county"]
    moved = Award.objects.get(pk=award.pk)
    assert moved.org_unit == tree["county"]
    assert moved.history.first().history_change_reason == "“桐城市科学技术协会”并入“怀宁县科学技术协会”"


def test_merge_refuses_two_rounds_of_one_year(make_round, tree, acc):
    make_round("zuimei", Level.MUNICIPAL, unit="county2", who="city_admin", year=2025)
    make_round("zuimei", Level.MUNICIPAL, unit="county", who="city_admin", year=2025)
    with pytest.raises(DomainError) as e:
        orgunit_merge(
            access=acc("city_admin"), source=tree["county2"], target=tree["county"], on=dt.date(2026, 1, 1)
        )
    assert "同年度同级同项目的轮次重复" in e.value.message
    assert Round.objects.filter(org_unit=tree["county2"]).count() == 1


def test_a_duplicate_persons_honours_move_to_the_person_kept(make_round, nominate, walk, tree, acc, staff):
    from kexie.honours.models import Recipient
    from kexie.people.models import Person
    from kexie.people.services import person_merge
    from tests.honours.conftest import ID_1

    kept = nominate(make_round(year=2025), "张三", nominee_id=ID_1).person
    other = nominate(make_round("outstanding_worker"), "张三", unit="county2", who="county2_filler")
    walk(other, "recommend", actor="county2_filler")
    walk(other, "qualify")
    duplicate = Person.objects.exclude(pk=kept.pk).get(name="张三")
    n = walk(Nomination.objects.get(person=duplicate), "shortlist", "publicise", "select")
    person_merge(access=acc("city_admin"), actor=staff["city_admin"], source=duplicate, target=kept)
    n.refresh_from_db()
    assert n.person == kept
    assert n.nominee_key == f"i:{kept.id_hash}"
    assert Award.objects.get(nomination=n).person == kept
    assert list(Recipient.objects.filter(award__nomination=n).values_list("person", flat=True)) == [kept.pk]
