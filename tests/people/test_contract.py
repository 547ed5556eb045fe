"""The Person contract other apps rely on: person_find_or_create, ensure_role, display helpers."""

import datetime as dt

import pytest

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs.scoping import scope
from kexie.people.models import Person, PersonRole, Role
from kexie.people.selectors import masked_phone, person_label
from kexie.people.services import ensure_role, id_fingerprint, mask_id_number, person_find_or_create


def _make(access_of, people, tree, **kw):
    kw.setdefault("name", "张三")
    kw.setdefault("org_unit", tree["county"])
    kw.setdefault("role", Role.SCI_WORKER)
    return person_find_or_create(access=access_of("county_filler"), actor=people["county_filler"], **kw)


def test_it_creates_a_person_once_and_matches_by_id_number(access_of, people, tree, id_number):
    number = id_number("34082219800101001")
    first = _make(access_of, people, tree, id_number=number, employer="怀宁县农科所")
    again = _make(access_of, people, tree, name="张三", id_number=number.lower(), role=Role.EXPERT)
    assert again.pk == first.pk
    assert Person.objects.count() == 1
    assert set(first.roles.values_list("role", flat=True)) == {Role.SCI_WORKER, Role.EXPERT}
    assert first.created_by == people["county_filler"]
    assert first.history.first().history_user == people["county_filler"]
    # the whole number is stored nowhere: neither on the row nor in its history
    row = Person.objects.filter(pk=first.pk).values().get()
    assert number not in repr(row)
    assert number not in repr(list(first.history.values()))
    assert row["id_masked"] == number[:4] + "*" * 10 + number[-4:] == mask_id_number(number)
    assert row["id_hash"] == id_fingerprint(number)
    assert len(row["id_hash"]) == 64


def test_it_matches_by_name_and_phone_and_fills_in_blanks(access_of, people, tree, id_number):
    first = _make(access_of, people, tree, phone="138 1234 5678")
    number = id_number("34082219900202002")
    again = _make(access_of, people, tree, phone="13812345678", id_number=number, title="高级农艺师")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.phone, again.id_hash, again.title) == ("13812345678", id_fingerprint(number), "高级农艺师")


def test_a_different_id_number_is_a_different_person(access_of, people, tree, id_number):
    first = _make(access_of, people, tree, phone="13812345678", id_number=id_number("34082219800101001"))
    other = _make(access_of, people, tree, phone="13812345678", id_number=id_number("34082219800101002"))
    assert other.pk != first.pk


def test_a_merged_duplicate_answers_with_the_survivor(access_of, people, tree, id_number):
    number = id_number("34082219800101001")
    survivor = _make(access_of, people, tree, name="张三")
    duplicate = _make(access_of, people, tree, name="张叁", id_number=number)
    duplicate.merged_into = survivor
    duplicate.save()
    assert _make(access_of, people, tree, name="张三", id_number=number).pk == survivor.pk


def test_matching_stays_inside_the_scope(access_of, people, tree, id_number):
    number = id_number("34082219800101001")
    outside = Person.objects.create(
        org_unit=tree["other_county"], name="张三", id_hash=id_fingerprint(number)
    )
    mine = _make(access_of, people, tree, id_number=number)
    assert mine.pk != outside.pk
    assert list(scope(Person.objects.all(), access_of("county_filler"))) == [mine]
    assert list(scope(Person.objects.all(), access_of("outsider"))) == [outside]


def test_it_refuses_a_unit_outside_the_scope_and_bad_input(access_of, people, tree, id_number):
    with pytest.raises(PermissionDeniedError):
        _make(access_of, people, tree, org_unit=tree["county2"])
    with pytest.raises(PermissionDeniedError):  # 查看者 may not enter people
        person_find_or_create(
            access=access_of("county_viewer"),
            actor=people["county_viewer"],
            name="张三",
            org_unit=tree["county"],
            role=Role.EXPERT,
        )
    bad = id_number("34082219800101001")[:-1] + "0"
    bad = bad if bad != id_number("34082219800101001") else bad[:-1] + "1"
    cases = [
        ({"id_number": bad}, "id_number", "证件号码校验位不正确"),
        ({"id_number": "1234"}, "id_number", "证件号码应为18位"),
        ({"phone": "12345"}, "phone", "手机号码应为以1开头的11位数字"),
        ({"name": " "}, "name", "请填写姓名"),
        ({"role": "boss"}, "role", "人员身份只能是"),
        ({"gender": "x"}, "gender", "性别只能是男、女"),
    ]
    for over, field, message in cases:
        with pytest.raises(DomainError) as exc:
            _make(access_of, people, tree, **over)
        assert exc.value.field == field
        assert message in exc.value.message
        assert bad not in exc.value.message
    assert not Person.objects.exists()


def test_labels_accept_chinese_choice_names(access_of, people, tree):
    person = _make(access_of, people, tree, gender="女", title_level="正高级", education="博士研究生")
    assert (person.gender, person.title_level, person.education) == ("female", "senior", "doctorate")


def test_ensure_role_is_idempotent_and_keeps_the_earliest_since(access_of, people, tree):
    person = _make(access_of, people, tree)
    ensure_role(person, Role.VOLUNTEER, since=dt.date(2024, 3, 1))
    ensure_role(person, Role.VOLUNTEER, since=dt.date(2023, 3, 1))
    ensure_role(person, Role.VOLUNTEER, since=dt.date(2025, 3, 1))
    ensure_role(person, Role.VOLUNTEER)
    assert PersonRole.objects.get(person=person, role=Role.VOLUNTEER).since == dt.date(2023, 3, 1)


def test_display_helpers(access_of, people, tree):
    person = _make(access_of, people, tree, phone="13812345678", employer="怀宁县人民医院")
    assert masked_phone(person) == "138****5678"
    assert person_label(person) == "张三（怀宁县人民医院）"
    bare = _make(access_of, people, tree, name="李四")
    assert (masked_phone(bare), person_label(bare)) == ("", "李四")
