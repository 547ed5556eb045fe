"""The dashboard's records: SPECS (tests/analytics/helpers.py) written to the database."""

import pytest

from tests.analytics.helpers import SPECS
from tests.factories import make_activity


@pytest.fixture
def records(tree):
    made = []
    for n, s in enumerate(SPECS):
        made.append(
            make_activity(
                tree[s.unit],
                f"测试活动{n}",
                s.day,
                activity_type=s.type,
                campaign=s.campaign,
                participants=s.participants,
                online_views=s.online_views,
                sci_workers=s.sci_workers,
                is_key=s.is_key,
                status=s.status,
            )
        )
    return made
