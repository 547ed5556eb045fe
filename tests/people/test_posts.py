"""科协领导班子 (posts) on the record layer, the township table, and unit merges."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from kexie.core.errors import DomainError
from kexie.orgs.services import orgunit_merge
from kexie.people.models import Post, Role, Township
from kexie.people.services import person_find_or_create, post_create
from kexie.people.townships import load_townships


@pytest.fixture
def doctor(access_of, people, tree):
    return person_find_or_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        name="周强",
        org_unit=tree["county"],
        role=Role.SCI_WORKER,
        employer="高河镇中心卫生院",
    )


def _values(tree, person, **over):
    values = {
        "org_unit": tree["township"],
        "person": person,
        "position": "part_time_vice",
        "source": "hospital_head",
        "source_org": "高河镇中心卫生院",
        "term_start": dt.date(2022, 5, 1),
        "term_end": None,
        "note": "",
    }
    values.update(over)
    return values


def test_a_post_is_entered_on_its_page_and_listed_in_scope(login, tree, doctor):
    client = login("county_filler")
    data = {k: (v.pk if hasattr(v, "pk") else v or "") for k, v in _values(tree, doctor).items()}
    response = client.post(reverse("posts:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get()
    assert (post.person, post.source) == (doctor, "hospital_head")
    assert post.created_by.username == "county_filler"
    listing = client.get(reverse("posts:list"), {"source": "hospital_head"}).content.decode()
    assert "周强" in listing
    detail = client.get(reverse("people:detail", args=[doctor.pk])).content.decode()
    assert "兼职副主席" in detail
    assert login("outsider").get(reverse("posts:detail", args=[post.pk])).status_code == 404
    assert "周强" not in login("outsider").get(reverse("posts:list")).content.decode()


def test_overlapping_terms_and_bad_terms_are_refused(access_of, people, tree, doctor):
    access, actor = access_of("county_filler"), people["county_filler"]
    post_create(access=access, actor=actor, values=_values(tree, doctor))
    with pytest.raises(DomainError, match="与此任期重叠") as exc:
        post_create(access=access, actor=actor, values=_values(tree, doctor, term_start=dt.date(2024, 1, 1)))
    assert exc.value.field == "term_start"
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        post_create(
            access=access,
            actor=actor,
            values=_values(tree, doctor, position="member", term_end=dt.date(2020, 1, 1)),
        )
    with pytest.raises(DomainError):
        post_create(access=access, actor=actor, values=_values(tree, doctor, org_unit=tree["county2"]))


def test_the_township_table_loads_from_the_code_table_once(db, tree, capsys):
    call_command("load_townships", "340822")
    first = Township.objects.count()
    assert first == 20  # 怀宁县: 15 镇 and 5 乡
    assert set(Township.objects.values_list("org_unit", flat=True)) == {tree["county"].pk}
    assert "新增 20 个" in capsys.readouterr().out
    result = load_townships()  # every county-level unit: 怀宁县 again, 桐城市, 贵池区
    assert (result.counties, result.updated) == (3, 20)
    assert Township.objects.filter(org_unit=tree["county2"]).count() == 15  # 3 街道, 12 镇; not its 2 开发区
    assert result.created == 15 + Township.objects.filter(org_unit=tree["other_county"]).count()
    assert Township.objects.filter(code="340881400000").count() == 0
    assert load_townships().created == 0


def test_a_unit_merge_moves_people_posts_and_townships(access_of, people, tree, doctor):
    load_townships()
    post = post_create(
        access=access_of("county_filler"), actor=people["county_filler"], values=_values(tree, doctor)
    )
    orgunit_merge(
        access=access_of("city_admin"),
        actor=people["city_admin"],
        source=tree["county"],
        target=tree["county2"],
        on=dt.date(2025, 1, 1),
    )
    doctor.refresh_from_db()
    post.refresh_from_db()
    assert doctor.org_unit == tree["county2"]
    assert Township.objects.filter(org_unit=tree["county"]).count() == 0
    assert Township.objects.filter(org_unit=tree["county2"]).count() == 20 + 15
    assert post.org_unit == tree["township"]  # the township 科协 moved under the target with its posts
