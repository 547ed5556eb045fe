"""Designation and facility stocks in the engine, against expectations computed independently here.

The expectation reads the raw dates (认定日期, 有效期至, 撤销日期), not the `ends_on` the services keep:
in force on day d ⇔ granted_on ≤ d ≤ valid_until (when set) and d < revoked_on (when set).
"""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from kexie.core.periods import Period
from kexie.indicators.engine import evaluate
from kexie.orgs.models import OrgUnit
from kexie.registries import selectors, services
from kexie.registries.models import Designation, Facility, FacilityKind

D = dt.date
PERIODS = [
    "2021",
    "2024-06-29..2024-06-29",
    "2024-06-30..2024-06-30",
    "2024",
    "2025",
    "2025-12-31..2025-12-31",
    "2026-01-01..2026-01-01",
    "2021..2025",
    "2023Q1",
]


def in_force(d: Designation, day: dt.date) -> bool:
    return (
        d.granted_on <= day
        and (d.valid_until is None or day <= d.valid_until)
        and (d.revoked_on is None or day < d.revoked_on)
    )


def expect(book, *, day=None, period=None, path, own=False, where=lambda d: True) -> set[int]:
    out = set()
    for d in book:
        if not (d.org_unit.path == path if own else d.org_unit.path.startswith(path)):
            continue
        if not where(d):
            continue
        if day is not None and not in_force(d, day):
            continue
        if period is not None and not period.start <= d.granted_on <= period.end:
            continue
        out.add(d.pk)
    return out


def listed(url: str, access) -> set[int]:
    """What the designation list page shows for `url` (through the selector it calls)."""
    parts = urlsplit(url)
    assert parts.path == "/registries/"
    p = {k: v[0] for k, v in parse_qs(parts.query).items()}
    unit = OrgUnit.objects.get(pk=p.pop("unit"))
    own = p.pop("own", "") == "1"
    at = D.fromisoformat(p.pop("at")) if "at" in p else None
    period = p.pop("period", None)
    return set(
        selectors.designation_list(access=access, unit=unit, own=own, at=at, period=period, **p).values_list(
            "pk", flat=True
        )
    )


def test_stock_counts_match_expectations_around_boundaries(book, tree, acc):
    access = acc("province_sysadmin")
    codes = ["designations", "reg_popsci_base", "reg_academician_station", "reg_popsci_base_municipal_up"]
    result = evaluate(access=access, indicators=codes, periods=PERIODS, unit=tree["city"], by="child")
    where = {
        "designations": lambda d: True,
        "reg_popsci_base": lambda d: d.programme.code == "popsci_base",
        "reg_academician_station": lambda d: d.programme.code == "academician_station",
        "reg_popsci_base_municipal_up": lambda d: (
            d.programme.code == "popsci_base" and d.level in ("national", "provincial", "municipal")
        ),
    }
    checked = 0
    for v in result:
        period = Period.parse(str(v.period))
        want = expect(book, day=period.end, path=v.unit.path, own=v.own_only, where=where[v.indicator.code])
        assert v.value == len(want), (v.indicator.code, str(period), v.unit.name, v.own_only)
        if v.value:
            assert listed(v.provenance, access) == want, v.provenance
            checked += 1
    assert checked > 20
    # the boundaries the issue names
    assert result.value("reg_popsci_base", "2024-06-29..2024-06-29").value == 4
    assert result.value("reg_popsci_base", "2024-06-30..2024-06-30").value == 3
    assert result.value("reg_popsci_base", "2025-12-31..2025-12-31").value == 3
    assert result.value("reg_popsci_base", "2026-01-01..2026-01-01").value == 1  # only 高河小学 (to 2027)


def test_new_designations_are_a_flow_over_granted_on(book, tree, acc):
    access = acc("province_sysadmin")
    result = evaluate(
        access=access,
        indicators=["designations_new"],
        periods=["2021", "2024", "2021..2025"],
        unit=tree["city"],
    )
    for p in ("2021", "2024", "2021..2025"):
        period = Period.parse(p)
        want = expect(book, period=period, path=tree["city"].path)
        v = result.value("designations_new", p)
        assert v.value == len(want)
        assert listed(v.provenance, access) == want


def test_breakdown_by_level_and_programme(book, tree, acc):
    access = acc("province_sysadmin")
    for breakdown, attr in (
        ("level", "level"),
        ("programme", "programme.code"),
        ("category", "programme.category"),
    ):
        result = evaluate(
            access=access,
            indicators=["designations"],
            periods=["2024"],
            unit=tree["city"],
            breakdown=breakdown,
        )

        def member(d, attr=attr):
            obj = d
            for part in attr.split("."):
                obj = getattr(obj, part)
            return obj

        keys = {member(d) for d in book}
        for key in keys:
            want = expect(
                book, day=D(2024, 12, 31), path=tree["city"].path, where=lambda d, k=key: member(d) == k
            )
            v = result.value("designations", "2024", key=key)
            assert v.value == len(want), (breakdown, key)
            if want:
                assert listed(v.provenance, access) == want


def test_applications_never_count(tree, staff, acc, data):
    services.designation_create(access=acc("county_filler"), actor=staff["county_filler"], data=data())
    result = evaluate(
        access=acc("province_sysadmin"), indicators=["designations"], periods=["2026"], unit=tree["city"]
    )
    assert result.value("designations", "2026").value == 0


def test_a_unit_outside_scope_sees_nothing_of_others(book, tree, acc):
    result = evaluate(access=acc("county_filler"), indicators=["reg_popsci_base"], periods=["2024"])
    want = expect(
        book, day=D(2024, 12, 31), path=tree["county"].path, where=lambda d: d.programme.code == "popsci_base"
    )
    assert result.value("reg_popsci_base", "2024").value == len(want) == 2  # 怀宁二中, 高河小学; 一中 revoked


def test_facility_stock_ends_the_day_it_closes(tree, staff, acc):
    a, who = acc("county_filler"), staff["county_filler"]
    for name, opened, closed in (("画廊一", D(2020, 1, 1), None), ("画廊二", D(2020, 1, 1), D(2024, 7, 1))):
        services.facility_create(
            access=a,
            actor=who,
            data=services.FacilityData(
                org_unit=tree["county"],
                kind=FacilityKind.GALLERY,
                name=name,
                opened_on=opened,
                closed_on=closed,
            ),
        )
    result = evaluate(
        access=a,
        indicators=["facilities_gallery"],
        periods=["2024-06-30..2024-06-30", "2024-07-01..2024-07-01", "2019"],
    )
    assert [
        result.value("facilities_gallery", p).value
        for p in ("2024-06-30..2024-06-30", "2024-07-01..2024-07-01", "2019")
    ] == [2, 1, 0]
    url = result.value("facilities_gallery", "2024-06-30..2024-06-30").provenance
    assert "at=2024-06-30" in url
    assert "kind=gallery" in url
    shown = selectors.facility_list(access=a, unit=tree["county"], at=D(2024, 6, 30), kind="gallery")
    assert shown.count() == 2
    assert Facility.objects.count() == 2
