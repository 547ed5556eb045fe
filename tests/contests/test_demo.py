"""The demo contests and volunteering load onto the demo city once and give figures with data."""

import datetime as dt

from kexie.contests.demo import add_demo_contests
from kexie.contests.models import Entry
from kexie.indicators.engine import evaluate
from kexie.orgs.demo import build_demo
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for
from kexie.volunteers.demo import add_demo_volunteers
from kexie.volunteers.models import ServiceRecord
from tests.factories import make_activity


def test_demo_loads_once_with_advancement_and_confirmed_hours(db, settings):
    settings.DEBUG = True
    build_demo()
    county = OrgUnit.objects.get(code="340822")
    for day in (dt.date(2023, 3, 5), dt.date(2023, 9, 16)):  # the demo's activities, in short
        make_activity(county, "科技志愿服务进社区", day, activity_type="volunteer", status="held")
    editions, entries = add_demo_contests()
    assert editions >= 5
    assert entries > 24
    assert add_demo_contests() == (0, 0)
    assert Entry.objects.filter(advanced_from__isnull=False, edition__level="national").exists()
    teams, members, records = add_demo_volunteers()
    assert (teams, members) == (3, 15)
    assert records > 0
    assert add_demo_volunteers() == (0, 0, 0)
    assert ServiceRecord.objects.filter(state="confirmed").exists()
    assert ServiceRecord.objects.filter(state="pending").exists()
    city = OrgUnit.objects.get(code="340800")
    admin = Membership.objects.filter(org_unit=city, role=Role.ADMIN).first()
    result = evaluate(
        access=access_for(admin.user, admin.pk),
        indicators=["contest_students", "contest_awards_national", "volunteer_teams", "volunteer_hours"],
        periods=["2023"],
    )
    assert result.value("contest_students", "2023").value > 10
    assert result.value("contest_awards_national", "2023").value >= 1
    assert result.value("volunteer_teams", "2023").value == 3
    assert result.value("volunteer_hours", "2023").value > 0
