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


def test_designations_by_county_come_from_the_engine_with_links(tree, staff, acc, granted, login):
    """The holders' county (region code, or the org unit's) groups the designations in force; the
    section's county chart loads after the page and each county links to exactly its records."""
    from kexie.registries import services
    from kexie.registries.models import Designation

    granted(dt.date(2023, 3, 1), holder_name="怀宁县一中", holder_region_code="340822")
    granted(dt.date(2023, 3, 1), holder_name="高河中学", holder_region_code="340822103000")  # a township
    granted(dt.date(2023, 3, 1), holder_name="无区划学校", holder_region_code="")
    unit_held = services.designation_create(
        access=acc("county_filler"),
        actor=staff["county_filler"],
        data=services.DesignationData(
            org_unit=tree["county"],
            programme=Designation.objects.first().programme,
            level="municipal",
            holder_unit=tree["township"],
            granted_on=dt.date(2023, 5, 1),
            document_no="宜科协〔2023〕5号",
        ),
        granted=True,
    )
    assert unit_held.holder_county_code == "340822"  # the township's own code, or the county's above it
    assert Designation.objects.get(holder_name="高河中学").holder_county_code == "340822"
    assert Designation.objects.get(holder_name="无区划学校").holder_county_code is None
    period = Period.parse("2024")
    bars = selectors.sites_by_region(access=acc("city_admin"), unit=tree["city"], period=period)
    assert [(b.key, b.label, b.figure.value) for b in bars] == [("340822", "怀宁县", 3), ("", "区划不明", 1)]
    client = login("city_admin")
    for bar, names in (
        (bars[0], {"怀宁县一中", "高河中学", unit_held.holder_name}),
        (bars[1], {"无区划学校"}),
    ):
        page = client.get(bar.figure.url)
        assert page.status_code == 200, bar.figure.url
        assert {r.holder_name for r, _ in page.context["rows"]} == names
    fragment = client.get("/analytics/sites/regions/", {"unit": tree["city"].pk, "period": "2024"})
    assert fragment.status_code == 200
    assert 'data-testid="sites-regions-chart"' in fragment.text
    assert "怀宁县" in fragment.text
    dashboard = client.get("/analytics/", {"period": "2024"}).text
    assert 'hx-get="/analytics/sites/regions/' in dashboard
    # scoping: a sibling city's admin gets 404 for this city, and sees none of these in its own
    assert login("outsider").get("/analytics/sites/regions/", {"unit": tree["city"].pk}).status_code == 404
    assert selectors.sites_by_region(access=acc("outsider"), unit=tree["other_city"], period=period) == []
    assert client.get("/analytics/sites/regions/", {"period": "2024周"}).status_code == 400
