"""The dashboard's 阵地与平台 section: read through the engine, each figure linked to its designations."""

import datetime as dt

from kexie.analytics import selectors
from kexie.core.periods import Period


def test_sites_section_counts_in_force_and_new_by_programme_and_level(book, tree, acc):
    period = Period.parse("2024")
    s = selectors.sites(
        access=acc("city_admin"), unit=tree["city"], period=period, trend=selectors.trend_periods(period)
    )
    in_city = [d for d in book if d.org_unit.path.startswith(tree["city"].path)]
    end = dt.date(2024, 12, 31)
    live = [d for d in in_city if d.granted_on <= end and (d.ends_on is None or d.ends_on >= end)]
    assert s.in_force.value == len(live)
    assert s.new.value == sum(1 for d in in_city if d.granted_on.year == 2024)
    assert "at=2024-12-31" in s.in_force.url
    by_programme = {r.key: r.in_force.value for r in s.by_programme}
    assert by_programme == {
        code: sum(1 for d in live if d.programme.code == code) for code in {d.programme.code for d in live}
    }
    assert {r.key for r in s.by_level} == {d.level for d in live} | {
        d.level for d in in_city if d.granted_on.year == 2024
    }
    assert [p.figures["designations_new"].value for p in s.trend][1] == 1  # 安庆另一公司, February 2024
    assert not s.is_empty


def test_dashboard_page_shows_the_section_with_links(book, login):
    response = login("city_admin").get("/analytics/", {"period": "2024"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="sites"' in html
    assert "/registries/?at=2024-12-31" in html
    assert "院士专家工作站" in html


def test_no_section_without_designations(tree, login):
    response = login("city_admin").get("/analytics/", {"period": "2024"})
    assert 'data-testid="sites"' not in response.content.decode()
