"""Report fixtures: activities spread over the standard tree and several years, and a media folder."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup

TYPES = ("lecture", "lecture", "exhibition", "consultation", "training", "open_day", "academic", "volunteer")
TARGETS = ("youth", "farmers", "elderly", "residents")


def build_activities(tree, *, years=(2023, 2024), per_unit_year=12, seed=7) -> list[Activity]:
    """Deterministic, varied activities (types, campaigns, key, target groups, some not held) for the
    city's units and for the other city; bulk-created so the tests stay fast."""
    rng = random.Random(seed)
    types = {t.code: t for t in ActivityType.objects.all()}
    campaigns = {c.code: c for c in Campaign.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    weights = {"city": 1.0, "county": 1.5, "county2": 0.7, "township": 0.5, "society": 0.4, "other_city": 1.0}
    objs, picks = [], []
    n = 0
    for key, weight in weights.items():
        unit = tree[key]
        for year in years:
            for _ in range(int(per_unit_year * weight)):
                n += 1
                month = rng.choice((3, 5, 5, 9, 9, 11))
                day = dt.date(year, month, rng.randint(1, 28))
                campaign = None
                if month == 9 and rng.random() < 0.7:
                    campaign = "science_month" if year >= 2025 else "science_day"
                elif month == 5 and rng.random() < 0.5:
                    campaign = "st_week"
                objs.append(
                    Activity(
                        org_unit=unit,
                        title=f"报告测试活动{n}",
                        activity_type=types[rng.choice(TYPES)],
                        campaign=campaigns[campaign] if campaign else None,
                        start_date=day,
                        end_date=day,
                        participants=rng.choice((30, 80, 150, 600, 1200, 2500)),
                        online_views=rng.choice((0, 0, 500, 12000)),
                        sci_workers=rng.randint(0, 20),
                        volunteers=rng.randint(0, 10),
                        is_key=rng.random() < 0.25,
                        status="held" if rng.random() < 0.93 else "cancelled",
                    )
                )
                picks.append(rng.sample(TARGETS, rng.randint(0, 2)))
    created = Activity.objects.bulk_create(objs)
    through = Activity.target_groups.through
    through.objects.bulk_create(
        [
            through(activity_id=a.pk, targetgroup_id=groups[g].pk)
            for a, gs in zip(created, picks, strict=True)
            for g in gs
        ]
    )
    facts.rebuild()  # bulk_create bypasses the services that keep the pre-aggregated facts in step
    return created


@pytest.fixture
def activities(tree):
    return build_activities(tree)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
