"""登记科技工作者人数 and 登记专家人数 link to the people list of exactly the persons they count: the
list's 在库日期 filter (at=) reads a role held on that day like the engine's stock does."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from kexie.core.periods import Period
from kexie.indicators.engine import evaluate
from kexie.people.models import Person, PersonRole, Role
from kexie.people.records import PEOPLE
from kexie.records.filters import FilterForm, filtered

D = dt.date
PERIODS = ["2023", "2024", "2025", "2024-06-01..2024-06-01", "2024-05-31..2024-05-31"]
CODES = {"people_sci_workers": Role.SCI_WORKER, "people_experts": Role.EXPERT}


@pytest.fixture
def book(tree):
    """(person, role, since, until) rows, some ending or starting on the boundaries asked about."""

    def person(unit, name, *roles, merged_into=None):
        p = Person.objects.create(org_unit=tree[unit], name=name, merged_into=merged_into)
        for role, since, until in roles:
            PersonRole.objects.create(person=p, role=role, since=since, until=until)
        return p

    a = person("county", "甲", (Role.SCI_WORKER, None, None))
    person("county", "乙", (Role.SCI_WORKER, D(2024, 6, 1), None))
    person("township", "丙", (Role.SCI_WORKER, D(2020, 1, 1), D(2024, 12, 31)), (Role.EXPERT, None, None))
    person(
        "county", "丁", (Role.EXPERT, D(2022, 1, 1), D(2023, 6, 30)), (Role.SCI_WORKER, D(2025, 1, 1), None)
    )
    person("county", "戊", (Role.EXPERT, None, None), merged_into=a)  # a merged duplicate: never counted
    person("county2", "己", (Role.EXPERT, None, D(2024, 5, 31)))
    person("county", "庚", (Role.VOLUNTEER, None, None))
    person("other_county", "辛", (Role.SCI_WORKER, None, None), (Role.EXPERT, None, None))
    return Person.objects.all()


def expect(book, role, day, path) -> set[int]:
    """Independently: unmerged persons kept under `path` with `role` held on `day` (ends inclusive)."""
    return {
        p.pk
        for p in book
        if p.merged_into_id is None
        and p.org_unit.path.startswith(path)
        and any(
            r.role == role and (r.since is None or r.since <= day) and (r.until is None or day <= r.until)
            for r in p.roles.all()
        )
    }


def listed(url: str, access) -> set[int]:
    parts = urlsplit(url)
    assert parts.path == "/people/"
    form = FilterForm(QueryDict(parts.query), declaration=PEOPLE, access=access)
    assert form.is_valid(), form.errors
    return set(
        filtered(PEOPLE, PEOPLE.list_queryset(access=access), form.filters(), access).values_list(
            "pk", flat=True
        )
    )


def test_each_figure_links_to_exactly_its_persons(book, tree, access_of):
    access = access_of("province_sysadmin")
    result = evaluate(
        access=access, indicators=list(CODES), periods=PERIODS, unit=tree["province"], by="child"
    )
    checked = 0
    for v in result:
        if v.own_only:
            continue  # the people list has no 本级 filter: such figures stay unlinked
        day = Period.parse(str(v.period)).end
        want = expect(book, CODES[v.indicator.code], day, v.unit.path)
        assert v.value == len(want), (v.indicator.code, str(v.period), v.unit.name)
        assert v.provenance is not None
        assert f"at={day.isoformat()}" in v.provenance
        assert listed(v.provenance, access) == want, v.provenance
        checked += bool(want)
    assert checked >= 8
    city = evaluate(access=access, indicators=list(CODES), periods=["2024", "2025"], unit=tree["city"])
    assert city.value("people_sci_workers", "2024").value == 3  # 甲, 乙, 丙 (丙 to 2024-12-31 inclusive)
    assert city.value("people_sci_workers", "2025").value == 3  # 甲, 乙, 丁
    assert city.value("people_experts", "2024").value == 1  # 丙 (己 ended in May, 戊 merged)


def test_the_link_opens_the_list_in_scope(book, tree, access_of, login):
    value = evaluate(
        access=access_of("county_filler"),
        indicators=["people_sci_workers"],
        periods=["2024"],
        unit=tree["county"],
    ).value("people_sci_workers", "2024")
    page = login("county_filler").get(value.provenance)
    assert page.status_code == 200
    assert sorted(p.name for p in page.context["page"]) == ["丙", "乙", "甲"]
    assert 'name="at" value="2024-12-31"' in page.content.decode()  # the filter bar shows the day
    outsider = login("outsider").get(value.provenance)  # an admin of another city: nothing of 怀宁县
    assert outsider.status_code == 400
    assert "所选单位不在您的查看范围内" in outsider.content.decode()
    assert not [p.name for p in outsider.context["page"]]
    own = login("outsider").get("/people/", {"at": "2024-12-31", "role": "sci_worker"})
    assert [p.name for p in own.context["page"]] == ["辛"]


def test_a_bad_date_is_reported(tree, login):
    page = login("county_filler").get("/people/", {"at": "2024-13-01"})
    assert page.status_code == 400
    assert "在库日期" in page.content.decode()
