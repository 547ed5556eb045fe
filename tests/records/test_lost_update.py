"""No lost update: the second save over a record changed since its form was opened is refused with
who changed what; nothing is overwritten silently. Proven with two clients, and at the service."""

import pytest
from django.test import Client
from django.urls import reverse

from kexie.core.errors import DomainError
from kexie.facts.models import Fact
from kexie.facts.records import FACTS
from kexie.records import services
from kexie.records.forms import version_of
from tests.factories import make_user
from tests.records.conftest import post_data


@pytest.fixture
def second_filler(tree):
    from kexie.orgs.models import Role

    return make_user("county_filler_2", tree["county"], Role.FILLER, full_name="李四")


def _open_form(client, fact):
    page = client.get(reverse("facts:edit", args=[fact.pk]))
    assert page.status_code == 200
    return page.context["form"]["_version"].value()


def test_two_clients_the_second_save_is_refused_with_who_changed_what(login, make_fact, tree, second_filler):
    fact = make_fact()
    first = login("county_filler")
    second = Client()
    second.force_login(second_filler)
    version_a = _open_form(first, fact)
    version_b = _open_form(second, fact)
    assert version_a == version_b

    saved = second.post(
        reverse("facts:edit", args=[fact.pk]),
        post_data(tree, statement="全国科普日优秀组织单位（复评）", level="provincial", _version=version_b),
    )
    assert saved.status_code == 302

    refused = first.post(
        reverse("facts:edit", args=[fact.pk]),
        post_data(tree, statement="全国科普日先进集体", _version=version_a),
    )
    assert refused.status_code == 409
    text = refused.text
    assert "在您打开表单之后已被他人修改，您的修改没有保存" in text
    assert "李四" in text
    assert "表述：全国科普日优秀组织单位 → 全国科普日优秀组织单位（复评）" in text
    assert "级别：国家级 → 省级" in text
    fact.refresh_from_db()
    assert fact.statement == "全国科普日优秀组织单位（复评）"  # the second person's save stands
    # the user's own input is still in the form, now carrying the current version
    form = refused.context["form"]
    assert form["statement"].value() == "全国科普日先进集体"
    assert form.data["_version"] == version_of(FACTS, fact)


def test_saving_again_after_seeing_the_conflict_is_a_decision_and_goes_through(
    login, make_fact, tree, second_filler
):
    fact = make_fact()
    first = login("county_filler")
    version = _open_form(first, fact)
    from kexie.orgs.scoping import access_for

    services.record_update(
        declaration=FACTS,
        access=access_for(second_filler),
        actor=second_filler,
        record=fact,
        values=post_data(tree, org_unit=tree["county"], year=2023, rank=None, date=None),
        version=version,
    )
    refused = first.post(
        reverse("facts:edit", args=[fact.pk]), post_data(tree, note="复核", _version=version)
    )
    assert refused.status_code == 409
    again = first.post(
        reverse("facts:edit", args=[fact.pk]),
        post_data(tree, note="复核", _version=refused.context["form"].data["_version"]),
    )
    assert again.status_code == 302
    fact.refresh_from_db()
    assert fact.note == "复核"


def test_a_form_without_its_version_is_not_saved(login, make_fact, tree):
    fact = make_fact()
    response = login("county_filler").post(reverse("facts:edit", args=[fact.pk]), post_data(tree, note="x"))
    assert response.status_code == 400
    assert "表单缺少版本信息" in response.text
    fact.refresh_from_db()
    assert fact.note == ""


def test_the_service_refuses_a_stale_version_from_a_shell_or_task_too(access_of, people, make_fact, tree):
    fact = make_fact()
    stale = version_of(FACTS, fact)
    values = post_data(tree, org_unit=tree["county"], year=2023, rank=None, date=None)
    services.record_update(
        declaration=FACTS,
        access=access_of("county_filler"),
        actor=people["county_filler"],
        record=fact,
        values=values | {"issuer": "中国科学技术协会"},
        version=stale,
    )
    with pytest.raises(services.StaleRecordError) as info:
        services.record_update(
            declaration=FACTS,
            access=access_of("province_sysadmin"),
            actor=people["province_sysadmin"],
            record=Fact.objects.get(pk=fact.pk),
            values=values | {"issuer": "省科协"},
            version=stale,
        )
    assert info.value.code == "conflict"
    [change] = info.value.changes
    assert change.what == (("授予/发布单位", "中国科协", "中国科学技术协会"),)
    assert "授予/发布单位：中国科协 → 中国科学技术协会" in info.value.message
    assert Fact.objects.get(pk=fact.pk).issuer == "中国科学技术协会"


def test_editing_a_record_deleted_meanwhile_says_so(login, make_fact, tree, access_of, people):
    fact = make_fact()
    client = login("county_filler")
    version = _open_form(client, fact)
    values = post_data(tree, org_unit=tree["county"], year=2023, rank=None, date=None)
    Fact.objects.filter(pk=fact.pk).delete()
    with pytest.raises(DomainError, match="已被删除") as info:
        services.record_update(
            declaration=FACTS,
            access=access_of("county_filler"),
            actor=people["county_filler"],
            record=fact,
            values=values,
            version=version,
        )
    assert "已被删除" in str(info.value)
