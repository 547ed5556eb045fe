"""The demo honours load onto the demo city once, through the lifecycle, with figures counted by hand."""

from kexie.honours.demo import add_demo_honours
from kexie.honours.models import Award, Nomination, State
from kexie.indicators.engine import evaluate
from kexie.orgs.demo import build_demo
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for


def test_demo_loads_once_with_its_lifecycle(db, settings):
    settings.DEBUG = True
    build_demo()
    awards, nominations = add_demo_honours()
    assert add_demo_honours() == (0, 0)
    assert nominations == 7 + 3 + 3
    assert Nomination.objects.filter(state=State.SELECTED).count() == 6  # 5 of the city round, 1 upward
    assert Nomination.objects.filter(state=State.RECOMMENDED).count() == 3  # waiting in this year's round
    assert Award.objects.filter(nomination__isnull=False).count() == 6
    assert Award.objects.count() == awards
    city = OrgUnit.objects.get(code="340800")
    admin = Membership.objects.filter(org_unit=city, role=Role.ADMIN).first()
    result = evaluate(
        access=access_for(admin.user, admin.pk),
        indicators=["honour_zuimei_municipal_persons", "honour_nominations_up", "honour_awards"],
        periods=["2023", "2024"],
    )
    assert result.value("honour_zuimei_municipal_persons", "2023").value == 5
    assert result.value("honour_nominations_up", "2024").value == 3  # forwarded to the province
    assert result.value("honour_awards", "2023").value == Award.objects.filter(awarded_on__year=2023).count()


def test_demo_on_an_early_date_enters_only_what_had_happened(db, settings):
    import datetime as dt

    import time_machine

    settings.DEBUG = True
    with time_machine.travel(dt.datetime(2021, 2, 15, 12, tzinfo=dt.UTC)):
        build_demo()
        awards, nominations = add_demo_honours()
    assert nominations == 0
    assert awards == Award.objects.count() > 0
    assert not Award.objects.filter(awarded_on__year__gte=2021).exists()
