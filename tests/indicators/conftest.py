import datetime as dt

import pytest

from tests.indicators.helpers import make_activities


@pytest.fixture
def records(tree):
    """A small fixed set over the standard tree: 科普 and academic events, campaigns across the
    科普日 → 科普月 change, target groups, and activities that must not count (planned, cancelled,
    in the other city)."""
    t = tree
    return make_activities(
        [
            dict(
                unit=t["county"],
                type="lecture",
                day=dt.date(2024, 3, 10),
                participants=120,
                online_views=1000,
                sci_workers=5,
                volunteers=3,
                is_key=True,
                targets=["youth", "elderly"],
                campaign="st_week",
            ),
            dict(
                unit=t["township"],
                type="exhibition",
                day=dt.date(2024, 9, 18),
                participants=300,
                campaign="science_day",
                targets=["farmers"],
            ),
            dict(
                unit=t["county2"],
                type="consultation",
                day=dt.date(2024, 9, 20),
                participants=80,
                campaign="science_day",
                targets=["youth"],
            ),
            dict(
                unit=t["city"],
                type="training",
                day=dt.date(2025, 9, 5),
                participants=1500,
                campaign="science_month",
                is_key=True,
            ),
            dict(
                unit=t["society"], type="academic", day=dt.date(2024, 11, 2), participants=200, sci_workers=40
            ),
            dict(
                unit=t["county2"], type="lecture", day=dt.date(2025, 2, 14), participants=60, status="planned"
            ),
            dict(
                unit=t["county"],
                type="lecture",
                day=dt.date(2025, 9, 12),
                participants=90,
                status="cancelled",
            ),
            dict(unit=t["other_city"], type="lecture", day=dt.date(2024, 5, 1), participants=999),
            dict(unit=t["county"], type="contest", day=dt.date(2025, 9, 30), campaign="science_month"),
            dict(
                unit=t["township"], type="academic", day=dt.date(2025, 3, 3), participants=50, sci_workers=10
            ),
        ]
    )
