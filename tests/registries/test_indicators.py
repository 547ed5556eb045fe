"""Designation and facility stocks in the engine, against expectations computed independently here.

The expectation reads the raw dates (认定日期, 有效期至, 撤销日期), not the `ends_on` the services keep:
in force on day d ⇔ granted_on ≤ d ≤ valid_until (when set) and d < revoked_on (when set).
"""

import datetime as dt
from urllib.parse import urlsplit

from django.http import QueryDict

from kexie.core.periods import Period
from kexie.indicators.engine import evaluate
from kexie.records.filters import FilterForm, filtered
from kexie.registries import services
from kexie.registries.models import Designation, Facility, FacilityKind
from kexie.registries.records import DESIGNATIONS, FACILITIES

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


def listed(url: str, access, declaration=DESIGNATIONS) -> set[int]:
    """What the list page shows for `url`: its declared filters read the link's parameters."""
    parts = urlsplit(url)
    assert parts.path == f"/{declaration.namespace}/"
    form = FilterForm(QueryDict(parts.query), declaration=declaration, access=access)
    assert form.is_valid(), form.errors
    records = filtered(declaration, declaration.list_queryset(access=access), form.filters(), access)
    return set(records.values_list("pk", flat=True))


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
    assert len(listed(url, a, FACILITIES)) == 2
    assert Facility.objects.count() == 2


def test_grade_breakdown_uses_the_grade_of_the_periods_year(tree, staff, acc, granted):
    """优秀 for 2023 and 不合格 for 2024: counted under 优秀 in 2023 and under 不合格 in 2024 (not its
    latest grade both years); a year without a grade is 未评估; each member links to exactly it."""
    a, who = acc("county_filler"), staff["county_filler"]
    graded = granted(D(2022, 5, 1))
    other = granted(D(2024, 3, 1), holder_name="怀宁县第二中学")  # new in 2024, never graded
    for year, grade in ((2023, "excellent"), (2024, "fail")):
        services.evaluation_record(access=a, actor=who, designation=graded, year=year, grade=grade)
    graded.refresh_from_db()
    assert graded.latest_grade == "fail"
    periods = ["2022", "2023", "2024", "2023-06", "2021..2024"]
    result = evaluate(
        access=a,
        indicators=["designations", "designations_new"],
        periods=periods,
        unit=tree["county"],
        breakdown="grade",
    )
    assert dict(result.keys) == {"excellent": "优秀", "fail": "不合格", "": "未评估"}

    def members(code, period):
        return {k: result.value(code, period, key=k).value for k, _ in result.keys}

    assert members("designations", "2022") == {"excellent": 0, "fail": 0, "": 1}
    assert members("designations", "2023") == {"excellent": 1, "fail": 0, "": 0}
    assert members("designations", "2023-06") == {"excellent": 1, "fail": 0, "": 0}
    assert members("designations", "2024") == {"excellent": 0, "fail": 1, "": 1}
    assert members("designations", "2021..2024") == {"excellent": 0, "fail": 1, "": 1}  # its last year
    assert members("designations_new", "2024") == {"excellent": 0, "fail": 0, "": 1}
    assert members("designations_new", "2021..2024") == {"excellent": 0, "fail": 1, "": 1}
    for period in periods:
        for code in ("designations", "designations_new"):
            total = result.value(code, period).value
            assert total == sum(members(code, period).values()), (code, period)
    # the links list exactly the designations of each member, through the list's declared filters
    assert listed(result.value("designations", "2023", key="excellent").provenance, a) == {graded.pk}
    assert listed(result.value("designations", "2024", key="fail").provenance, a) == {graded.pk}
    assert listed(result.value("designations", "2024", key="").provenance, a) == {other.pk}
    assert "grade_year=2024" in result.value("designations", "2024", key="fail").provenance
    # the list page's filter bar: 评估等级 without a year is the latest grade
    assert listed("/registries/?grade=fail", a) == {graded.pk}
    assert listed("/registries/?grade=excellent", a) == set()
    assert listed("/registries/?grade=excellent&grade_year=2023", a) == {graded.pk}
    assert listed("/registries/?grade_year=2023", a) == {graded.pk}
