"""Designation and facility rules: scope, programme, duplicates, terms, grades, revocation, caps, trips."""

import datetime as dt

import pytest

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.registries import services
from kexie.registries.models import (
    Academy,
    Designation,
    FacilityKind,
    Grade,
    HolderKind,
    Level,
    Programme,
    State,
)
from kexie.workflows.selectors import object_log

D = dt.date


def test_fresh_database_knows_the_builtin_programmes(db):
    names = set(Programme.objects.values_list("name", flat=True))
    for name in (
        "科普教育基地",
        "院士专家工作站",
        "科普中国e站",
        "科技小院",
        "科创中国试点",
        "科普示范县(市、区)",
    ):
        assert name in names
    base = Programme.objects.get(code="popsci_base")
    assert base.term_years == 5
    assert "科技场馆类" in base.national_categories
    assert Programme.objects.get(code="academician_station").expert_caps == {"serving": 1, "retired": 3}


def test_entered_as_granted_gets_five_year_term_and_log(granted):
    d = granted(D(2023, 3, 10))
    assert d.state == State.GRANTED
    assert d.valid_until == D(2028, 3, 9)
    assert d.ends_on == D(2028, 3, 9)
    assert d.issuer_unit.name == "安庆市科学技术协会"
    assert [log.label for log in object_log(obj=d)] == ["直接录入认定"]


def test_term_longer_than_programme_allows_is_refused(granted):
    with pytest.raises(DomainError) as e:
        granted(D(2023, 3, 10), D(2028, 12, 31))
    assert e.value.field == "valid_until"
    assert "有效期为5年" in e.value.message
    assert "2028年3月9日" in e.value.message


def test_outside_scope_is_refused_with_unit_named(staff, acc, data, tree):
    with pytest.raises(PermissionDeniedError) as e:
        services.designation_create(
            access=acc("county_filler"),
            actor=staff["county_filler"],
            data=data(org_unit=tree["other_county"]),
        )
    assert "贵池区科学技术协会" in e.value.message
    assert "不在您的填报范围内" in e.value.message


def test_expired_programme_is_refused(staff, acc, data, programme):
    p = programme("demo_township")
    p.last_year = 2020
    p.save()
    with pytest.raises(DomainError) as e:
        services.designation_create(
            access=acc("county_filler"), actor=staff["county_filler"], data=data(programme=p)
        )
    assert e.value.field == "programme"
    assert "2020年及以前" in e.value.message


def test_level_the_programme_does_not_have_is_refused(staff, acc, data, programme):
    with pytest.raises(DomainError) as e:
        services.designation_create(
            access=acc("county_filler"),
            actor=staff["county_filler"],
            data=data(programme=programme("sci_backyard"), level=Level.COUNTY),
        )
    assert e.value.field == "level"
    assert "没有县级" in e.value.message


def test_duplicate_holder_programme_level_is_refused_naming_the_first(granted):
    first = granted(D(2023, 3, 10))
    with pytest.raises(DomainError) as e:
        granted(D(2024, 5, 1), holder_name=" 怀宁县 第一中学")  # spaces do not make another holder
    assert e.value.code == "duplicate"
    assert "怀宁县第一中学" in e.value.message
    assert f"编号{first.pk}" in e.value.message
    # another level is another designation
    assert granted(D(2024, 5, 1), level=Level.COUNTY).pk != first.pk


def test_a_designation_past_its_term_is_expired_to_make_room_for_the_next(granted):
    old = granted(D(2020, 1, 1), D(2021, 12, 31))
    new = granted(D(2022, 1, 1))
    old.refresh_from_db()
    assert old.state == State.EXPIRED
    assert new.state == State.GRANTED
    assert [log.label for log in object_log(obj=old)] == ["直接录入认定", "到期"]


def test_grade_for_year_before_designation_is_refused(granted, staff, acc):
    d = granted(D(2023, 3, 10))
    with pytest.raises(DomainError) as e:
        services.evaluation_record(
            access=acc("county_filler"),
            actor=staff["county_filler"],
            designation=d,
            year=2022,
            grade=Grade.GOOD,
        )
    assert e.value.field == "year"
    assert "2022年早于认定年份2023年" in e.value.message


def test_one_grade_per_year_and_latest_grade_kept(granted, staff, acc):
    d = granted(D(2023, 3, 10))
    a = acc("county_filler")
    services.evaluation_record(
        access=a, actor=staff["county_filler"], designation=d, year=2023, grade=Grade.GOOD
    )
    services.evaluation_record(
        access=a, actor=staff["county_filler"], designation=d, year=2024, grade=Grade.EXCELLENT
    )
    with pytest.raises(DomainError) as e:
        services.evaluation_record(
            access=a, actor=staff["county_filler"], designation=d, year=2024, grade=Grade.PASS
        )
    assert "2024年度已有评估（优秀）" in e.value.message
    d.refresh_from_db()
    assert (d.latest_grade, d.latest_grade_year) == (Grade.EXCELLENT, 2024)


def test_bad_grade_is_refused(granted, staff, acc):
    d = granted(D(2023, 3, 10))
    with pytest.raises(DomainError) as e:
        services.evaluation_record(
            access=acc("county_filler"), actor=staff["county_filler"], designation=d, year=2024, grade="A"
        )
    assert e.value.field == "grade"
    assert "优秀、良好、合格、不合格" in e.value.message


def test_outside_body_holder_needs_a_kind_and_valid_region(staff, acc, data):
    a, who = acc("county_filler"), staff["county_filler"]
    with pytest.raises(DomainError) as e:
        services.designation_create(access=a, actor=who, data=data(holder_kind=""))
    assert e.value.field == "holder_kind"
    with pytest.raises(DomainError) as e:
        services.designation_create(access=a, actor=who, data=data(holder_region_code="999999"))
    assert e.value.field == "holder_region_code"


def test_org_unit_holder_takes_its_name_and_region(staff, acc, data, tree):
    d = services.designation_create(
        access=acc("county_filler"), actor=staff["county_filler"], data=data(holder_unit=tree["township"])
    )
    assert (d.holder_kind, d.holder_name, d.holder_region_code) == (
        HolderKind.ORG_UNIT,
        "高河镇科协",
        "340822100000",
    )
    assert d.holder_key == f"u:{tree['township'].pk}"


def test_national_application_must_be_entered_once_granted(staff, acc, data):
    with pytest.raises(DomainError) as e:
        services.designation_create(
            access=acc("county_filler"), actor=staff["county_filler"], data=data(level=Level.NATIONAL)
        )
    assert "国家级称号由系统外单位认定" in e.value.message


def test_national_category_only_for_national_and_from_the_list(granted):
    with pytest.raises(DomainError) as e:
        granted(D(2022, 5, 1), D(2025, 12, 31), level=Level.NATIONAL, national_category="博物馆类")
    assert "科技场馆类" in e.value.message
    d = granted(D(2022, 5, 1), D(2025, 12, 31), level=Level.NATIONAL, national_category="科技场馆类")
    assert d.issuer_unit is None
    assert d.issuer == "中国科协"


def test_revocation_ends_the_day_before(granted):
    d = granted(D(2023, 3, 10))
    services.apply_revocation(d, revoked_on=D(2024, 6, 30), reason="检查不合格")
    assert d.ends_on == D(2024, 6, 29)
    assert d.in_force_on(D(2024, 6, 29))
    assert not d.in_force_on(D(2024, 6, 30))
    with pytest.raises(DomainError) as e:
        services.apply_revocation(d, revoked_on=D(2024, 6, 30), reason="")
    assert e.value.field == "reason"


def test_academician_caps(granted, staff, acc, programme, tree):
    a, who = acc("county_filler"), staff["county_filler"]
    station = programme("academician_station")
    s1 = granted(
        D(2023, 1, 1), programme=station, holder_name="安徽某某科技有限公司", holder_kind="enterprise"
    )
    s2 = granted(D(2023, 1, 1), programme=station, holder_name="怀宁某某化工公司", holder_kind="enterprise")
    services.expert_add(access=a, actor=who, designation=s1, name="张三", academy=Academy.CAE)
    with pytest.raises(DomainError) as e:
        services.expert_add(access=a, actor=who, designation=s2, name="张三", academy=Academy.CAE)
    assert "在职院士至多受聘1个工作站" in e.value.message
    assert "安徽某某科技有限公司" in e.value.message
    # retired: up to 3
    services.expert_add(
        access=a, actor=who, designation=s1, name="李四", academy=Academy.CAS, is_retired=True
    )
    services.expert_add(
        access=a, actor=who, designation=s2, name="李四", academy=Academy.CAS, is_retired=True
    )


def test_facility_and_trips(staff, acc, tree):
    a, who = acc("county_filler"), staff["county_filler"]
    caravan = services.facility_create(
        access=a,
        actor=who,
        data=services.FacilityData(
            org_unit=tree["county"], kind=FacilityKind.CARAVAN, name="怀宁县科普大篷车1号"
        ),
    )
    gallery = services.facility_create(
        access=a,
        actor=who,
        data=services.FacilityData(org_unit=tree["county"], kind=FacilityKind.GALLERY, name="高河镇科普画廊"),
    )
    services.trip_create(
        access=a,
        actor=who,
        facility=caravan,
        data=services.TripData(
            place="高河镇中心小学", start_on=D(2024, 5, 1), end_on=D(2024, 5, 3), visitors=800
        ),
    )
    with pytest.raises(DomainError) as e:
        services.trip_create(
            access=a,
            actor=who,
            facility=caravan,
            data=services.TripData(place="石牌镇", start_on=D(2024, 5, 3), end_on=D(2024, 5, 5)),
        )
    assert "时间重叠" in e.value.message
    assert "高河镇中心小学" in e.value.message
    with pytest.raises(DomainError) as e:
        services.trip_create(
            access=a,
            actor=who,
            facility=gallery,
            data=services.TripData(place="石牌镇", start_on=D(2024, 5, 3), end_on=D(2024, 5, 5)),
        )
    assert "只有流动科技馆和科普大篷车" in e.value.message
    with pytest.raises(DomainError) as e:
        services.facility_create(
            access=a,
            actor=who,
            data=services.FacilityData(
                org_unit=tree["county"], kind=FacilityKind.GALLERY, name="高河镇科普画廊"
            ),
        )
    assert e.value.field == "name"


def test_history_is_kept(granted):
    d = granted(D(2023, 3, 10))
    assert Designation.history.filter(id=d.pk).count() == 1
