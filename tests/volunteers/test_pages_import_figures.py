"""Volunteer pages through the scoping, the roster import (ID numbers only masked, all or nothing), the
star-scale page, and the figures: teams and volunteers as stocks, confirmed hours only, each linked."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse

from kexie.imports import services as imports
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.indicators.engine import evaluate
from kexie.people.models import Person
from kexie.records.filters import FilterForm, filtered
from kexie.volunteers import services
from kexie.volunteers.models import TeamMember, Volunteer
from kexie.volunteers.records import SERVICES, TEAMS
from kexie.workflows.services import transition
from tests.imports.helpers import write_xlsx

D = dt.date
pytestmark = pytest.mark.django_db
HEADER = ["服务队", "姓名", "证件号码", "专业特长", "加入日期"]


def _import(tmp_path, access, user, rows):
    content = write_xlsx(tmp_path / "名册.xlsx", rows, header=HEADER, sheet="名册").read_bytes()
    spec = get_spec("volunteer_members")
    batch = imports.batch_upload(
        access=access,
        user=user,
        spec=spec,
        upload=SimpleUploadedFile("名册.xlsx", content),
        file_name="名册.xlsx",
    )
    if batch.status == ImportBatch.Status.VALIDATED:
        batch = imports.batch_commit(access=access, spec=spec, batch=batch, user=user)
    return batch


def test_a_roster_imports_people_once_and_keeps_only_masked_ids(tmp_path, team, acc, staff, id_number, login):
    number = id_number("34082219900101001")
    rows = [
        [team.name, "张明", number, "农业技术", D(2023, 3, 5)],
        [team.name, "李华", "", "医疗", D(2023, 3, 5)],
    ]
    batch = _import(tmp_path, acc("county_filler"), staff["county_filler"], rows)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    m = TeamMember.objects.get(name="张明")
    assert m.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert Person.objects.filter(name="张明").count() == 1
    assert Volunteer.objects.count() == 2
    # the export shows the mask and re-imports as an update of the same lines
    export = login("county_filler").get(reverse("volunteer_members:export"))
    assert number.encode() not in export.content
    batch = _import(
        tmp_path,
        acc("county_filler"),
        staff["county_filler"],
        [[team.name, "张明", m.id_masked, "农技", D(2023, 3, 5)]],
    )
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (0, 1)
    assert TeamMember.objects.get(name="张明").id_masked == m.id_masked
    page = login("county_filler").get(reverse("volunteer_members:detail", args=[m.pk]))
    assert number not in page.text


def test_a_bad_roster_writes_nothing(tmp_path, team, acc, staff):
    rows = [
        [team.name, "张明", "", "", D(2023, 3, 5)],
        [team.name, "李华", "123", "", D(2023, 3, 5)],
        ["没有这个队", "王五", "", "", D(2023, 3, 5)],
        [team.name, "赵六", "", "", D(2020, 1, 1)],
    ]
    batch = _import(tmp_path, acc("county_filler"), staff["county_filler"], rows)
    assert batch.status != ImportBatch.Status.COMMITTED
    errors = {(e["row"], e.get("column")): e["message"] for e in batch.errors}
    assert "18位居民身份证号码" in errors[(3, "证件号码")]
    assert "没有名为“没有这个队”的服务队" in errors[(4, "服务队")]
    assert "早于服务队授旗日期" in errors[(5, "加入日期")]
    assert "123" not in " ".join(errors.values())
    assert TeamMember.objects.count() == 0


def test_a_sibling_county_sees_nothing(join, held, log_hours, login):
    m = join()
    r = log_hours(m, held())
    outsider = login("outsider")
    for name, pk in (("volunteer_service", r.pk), ("volunteers", m.volunteer.pk), ("volunteer_members", m.pk),
                     ("volunteer_teams", m.team.pk)):  # fmt: skip
        assert outsider.get(reverse(f"{name}:detail", args=[pk])).status_code == 404
        listing = outsider.get(reverse(f"{name}:list"))
        assert listing.status_code == 200
        assert "张明" not in listing.text
        assert "张明".encode() not in outsider.get(reverse(f"{name}:export")).content


def test_the_star_scale_page(login, tree):
    viewer = login("county_viewer")
    page = viewer.get(reverse("volunteer_stars:page"))
    assert "1星100小时" in page.text
    assert "默认标准" in page.text
    assert viewer.post(reverse("volunteer_stars:page"), {"star1": 1}).status_code == 403
    admin = login("city_admin")
    bad = admin.post(
        reverse("volunteer_stars:page"), dict(star1=50, star2=40, star3=200, star4=400, star5=800)
    )
    assert bad.status_code == 400
    assert "2星的小时数（40）应大于1星的（50）" in bad.text
    ok = admin.post(
        reverse("volunteer_stars:page"), dict(star1=50, star2=100, star3=200, star4=400, star5=800)
    )
    assert ok.status_code == 302
    assert "1星50小时" in viewer.get(reverse("volunteer_stars:page")).text  # the county inherits it


def _linked(declaration, url, access):
    form = FilterForm(QueryDict(urlsplit(url).query), declaration=declaration, access=access)
    assert form.is_valid(), form.errors
    return filtered(declaration, declaration.list_queryset(access=access), form.filters(), access)


def test_figures_teams_volunteers_and_confirmed_hours(team, join, held, log_hours, acc, staff, tree):
    a, b = join("张明"), join("李华", joined_on=D(2023, 6, 1))
    services.team_update(
        access=acc("county_filler"),
        actor=staff["county_filler"],
        team=team,
        data=services.TeamData(
            org_unit=tree["county"], name=team.name, kind="association", flagged_on=team.flagged_on,
            dissolved_on=D(2024, 7, 1),
        ),
    )  # fmt: skip
    r1 = log_hours(a, held(D(2023, 5, 20)), "3")
    r2 = log_hours(b, held(D(2023, 7, 1), title="第二次"), "2.5")
    log_hours(a, held(D(2023, 8, 1), title="第三次"), "4")  # never confirmed
    for r in (r1, r2):
        transition(access=acc("county_reviewer"), obj=r, code="confirm")
    access = acc("city_admin")
    codes = ["volunteer_teams", "volunteers_registered", "volunteer_hours", "volunteers_serving"]
    result = evaluate(access=access, indicators=codes, periods=["2023", "2024", "2023-05"], unit=tree["city"])
    got = {c: [result.value(c, p).value for p in ("2023", "2024", "2023-05")] for c in codes}
    assert got == {
        "volunteer_teams": [1, 0, 1],  # 撤销 2024-07-01: not counted on 2024-12-31
        "volunteers_registered": [2, 2, 1],  # 李华 registered 2023-06-01
        "volunteer_hours": [Decimal("5.5"), 0, Decimal("3")],
        "volunteers_serving": [2, 0, 1],
    }
    hours = result.value("volunteer_hours", "2023").provenance
    assert sorted(r.pk for r in _linked(SERVICES, hours, access)) == sorted([r1.pk, r2.pk])
    teams = result.value("volunteer_teams", "2023").provenance
    assert [t.pk for t in _linked(TEAMS, teams, access)] == [team.pk]
    outsider = evaluate(access=acc("outsider"), indicators=codes, periods=["2023"])
    assert [outsider.value(c, "2023").value for c in codes] == [0, 0, 0, 0]


def test_the_dashboard_card(join, held, log_hours, acc, login, tree):
    card = reverse("volunteers:dashboard_card")
    assert login("city_admin").get(card, {"period": "2021"}).content == b""  # before the team was flagged
    r = log_hours(join(), held(), "3")
    transition(access=acc("county_reviewer"), obj=r, code="confirm")
    response = login("city_admin").get(card, {"period": "2023", "unit": tree["city"].pk})
    assert 'data-testid="volunteers-card"' in response.text
    assert 'data-indicator="volunteer_hours"' in response.text
    assert login("outsider").get(card, {"period": "2023", "unit": tree["county"].pk}).status_code == 404
