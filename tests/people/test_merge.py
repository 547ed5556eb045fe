"""Merging a duplicate person: references move, the duplicate keeps its history, clashes are refused."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.people import merging
from kexie.people.models import Person, PersonRole, Post, Role
from kexie.people.services import person_find_or_create, person_merge
from tests.people.conftest import valid_id


def _person(access_of, people, tree, name, role=Role.SCI_WORKER, unit="county", **kw):
    return person_find_or_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        name=name,
        org_unit=tree[unit],
        role=role,
        **kw,
    )


@pytest.fixture
def pair(access_of, people, tree):
    a = _person(access_of, people, tree, "张三", Role.EXPERT, employer="怀宁县农科所")
    b = _person(
        access_of,
        people,
        tree,
        "张三",
        Role.VOLUNTEER,
        phone="13812345678",
        id_number=valid_id("34082219800101001"),
    )
    return a, b


def test_merging_moves_every_reference_and_keeps_the_duplicate(access_of, people, tree, pair):
    a, b = pair
    post = Post.objects.create(
        org_unit=tree["township"],
        person=b,
        position="part_time_vice",
        source="hospital_head",
        term_start=dt.date(2023, 1, 1),
    )
    calls = []
    merging.register("测试引用", lambda source, target: calls.append((source.pk, target.pk)) or 0)
    try:
        moved = person_merge(
            access=access_of("county_admin"), actor=people["county_admin"], source=b, target=a
        )
    finally:
        merging._HANDLERS.pop("测试引用")
    assert moved == {"任职": 1}
    assert calls == [(b.pk, a.pk)]
    post.refresh_from_db()
    b.refresh_from_db()
    a.refresh_from_db()
    assert post.person == a
    assert b.merged_into == a
    assert set(PersonRole.objects.filter(person=a).values_list("role", flat=True)) == {
        Role.EXPERT,
        Role.VOLUNTEER,
    }
    assert (a.phone, a.id_hash) == ("13812345678", b.id_hash)  # blanks filled from the duplicate
    assert b.history.first().history_change_reason.startswith("重复登记")
    assert b.history.first().history_user == people["county_admin"]
    # the survivor is who an import finds now
    assert _person(access_of, people, tree, "张三", id_number=valid_id("34082219800101001")).pk == a.pk


def test_merging_refuses_clashes_and_changes_nothing(access_of, people, tree):
    a = _person(access_of, people, tree, "张三", id_number=valid_id("34082219800101001"))
    b = _person(access_of, people, tree, "张三", id_number=valid_id("34082219800101002"))
    with pytest.raises(DomainError, match="证件号码不同，不是同一个人"):
        person_merge(access=access_of("county_admin"), actor=people["county_admin"], source=b, target=a)
    c = _person(access_of, people, tree, "李四")
    d = _person(access_of, people, tree, "李四", phone="13900000000")
    for p in (c, d):
        Post.objects.create(
            org_unit=tree["township"], person=p, position="chair", term_start=dt.date(2023, 1, 1)
        )
    with pytest.raises(DomainError, match="都登记了“高河镇科协”主席（2023年01月01日起）的任职"):
        person_merge(access=access_of("county_admin"), actor=people["county_admin"], source=d, target=c)
    d.refresh_from_db()
    assert d.merged_into is None
    assert Post.objects.filter(person=d).count() == 1
    with pytest.raises(DomainError, match="不能把人员合并到其本人"):
        person_merge(access=access_of("county_admin"), actor=people["county_admin"], source=c, target=c)


def test_only_admins_in_scope_merge(access_of, people, tree, pair):
    a, b = pair
    with pytest.raises(PermissionDeniedError):
        person_merge(access=access_of("county_filler"), actor=people["county_filler"], source=b, target=a)
    with pytest.raises(PermissionDeniedError):
        person_merge(access=access_of("outsider"), actor=people["outsider"], source=b, target=a)


def test_the_merge_page(login, pair):
    a, b = pair
    client = login("county_admin")
    page = client.get(reverse("people:merge", args=[b.pk]))
    assert page.status_code == 200
    assert f"people/{a.pk}/" in page.content.decode()  # the namesake is offered
    unconfirmed = client.post(reverse("people:merge", args=[b.pk]), {"target": a.pk})
    assert unconfirmed.status_code == 400
    done = client.post(reverse("people:merge", args=[b.pk]), {"target": a.pk, "confirm": "on"})
    assert done.status_code == 302
    assert Person.objects.get(pk=b.pk).merged_into_id == a.pk
    detail = client.get(reverse("people:detail", args=[b.pk])).content.decode()
    assert "已合并到" in detail
    listing = client.get(reverse("people:list")).content.decode()
    assert listing.count(f"/people/{b.pk}/") == 0
    assert login("county_filler").get(reverse("people:merge", args=[b.pk])).status_code == 404
