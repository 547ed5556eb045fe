"""The demo activities: deterministic, inside the demo tree, valid records, and the fact table agrees."""

import datetime as dt
from collections import Counter

from django.db.models import Count, F, Sum

from kexie.activities import facts
from kexie.activities.demo import build_demo_activities
from kexie.activities.models import Activity, ActivityMonthFact
from kexie.orgs.demo import build_demo

TODAY = dt.date(2021, 4, 10)  # a short demo history keeps the test quick


def test_demo_activities_are_valid_records_and_facts_match(db, settings):
    settings.KEXIE_ALLOW_DEMO = True
    build_demo()
    created = build_demo_activities(today=TODAY)
    total = sum(created.values())
    assert total == Activity.objects.count() > 300
    assert build_demo_activities(today=TODAY) == Counter()  # once only
    assert Activity.objects.count() == total
    assert not Activity.objects.filter(start_date__gt=TODAY).exists()
    assert not Activity.objects.filter(start_date__lt=dt.date(2021, 1, 1)).exists()
    assert not Activity.objects.filter(end_date__lt=F("start_date")).exists()
    by_type = Counter(Activity.objects.values_list("org_unit__org_type", flat=True))
    assert by_type["municipal"] > 0
    assert by_type["county"] > 0
    assert by_type["township"] > 0
    assert Activity.objects.filter(campaign__isnull=False).exists()
    assert Activity.objects.filter(activity_type__is_academic=True).exists()
    assert not Activity.objects.filter(
        activity_type__is_academic=True, org_unit__org_type__in=["county", "township"]
    ).exists()
    # campaigns only in the years they existed (全国科普日 up to 2024, 全国科普月 from 2025)
    assert not Activity.objects.filter(campaign__code="science_month").exists()
    # every activity has its creation in the history, and target groups
    assert Activity.history.filter(history_type="+").count() == total
    assert Activity.objects.filter(target_groups__isnull=True).count() == 0
    # the fact table says what the records say
    fact_totals = ActivityMonthFact.objects.aggregate(
        n=Sum("n"), p=Sum("participants"), v=Sum("online_views")
    )
    record_totals = Activity.objects.aggregate(n=Count("pk"), p=Sum("participants"), v=Sum("online_views"))
    assert fact_totals == record_totals
    before = list(
        ActivityMonthFact.objects.order_by("pk").values_list("org_unit_id", "month", "n", "participants")
    )
    facts.rebuild()
    after = list(
        ActivityMonthFact.objects.order_by("pk").values_list("org_unit_id", "month", "n", "participants")
    )
    assert sorted(before) == sorted(after)


def test_same_demo_same_activities(db, settings):
    settings.KEXIE_ALLOW_DEMO = True
    build_demo()
    build_demo_activities(today=TODAY)
    first = sorted(Activity.objects.values_list("org_unit__code", "title", "start_date", "participants"))
    Activity.target_groups.through.objects.all().delete()
    Activity.objects.all().delete()
    build_demo_activities(today=TODAY)
    again = sorted(Activity.objects.values_list("org_unit__code", "title", "start_date", "participants"))
    assert first == again
