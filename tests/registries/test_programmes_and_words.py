"""Local programmes of a 管理员, and the words that let the fact-check map the seeds' designation figures."""

import pytest

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.registries import selectors, services
from kexie.reports.factcheck.services import map_text


def _local(staff, acc, tree, who="city_admin", **over):
    data = services.ProgrammeData(
        org_unit=tree["city"],
        code="aq_youth_base",
        name="安庆市青少年科技教育基地",
        category="popsci_site",
        levels=["municipal"],
        term_years=3,
    )
    for k, v in over.items():
        setattr(data, k, v)
    return services.programme_create(access=acc(who), actor=staff[who], data=data)


def test_local_programme_is_used_by_the_subtree_only(staff, acc, tree, data):
    p = _local(staff, acc, tree)
    assert p in selectors.programme_list(access=acc("county_filler"))
    assert p not in selectors.programme_list(access=acc("outsider"))
    d = services.designation_create(
        access=acc("county_filler"), actor=staff["county_filler"], data=data(programme=p)
    )
    assert d.programme == p
    with pytest.raises(DomainError) as e:
        services.designation_create(
            access=acc("province_sysadmin"),
            actor=staff["province_sysadmin"],
            data=data(programme=p, org_unit=tree["other_county"]),
        )
    assert "安庆市科学技术协会设立的本地项目" in e.value.message
    assert "贵池区科学技术协会" in e.value.message


def test_only_a_manager_adds_a_programme_and_names_stay_unique(staff, acc, tree):
    with pytest.raises(PermissionDeniedError):
        _local(staff, acc, tree, who="county_filler")
    with pytest.raises(DomainError) as e:
        _local(staff, acc, tree, code="x2", name="科普教育基地")
    assert e.value.field == "name"
    with pytest.raises(DomainError) as e:
        _local(staff, acc, tree, code="x3", name="某某基地", levels=[])
    assert e.value.field == "levels"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("建成国家、省、市级科普教育基地36家。", "reg_popsci_base_municipal_up"),
        ("先后建立院士专家工作站84家。", "reg_academician_station"),
        ("新培育市级专家工作站11家。", "reg_academician_station_municipal_new"),
        ("市级科普教育基地24家。", "reg_popsci_base_municipal"),
        ("全市共有科普中国e站12个。", "reg_kepu_estation"),
        ("建设科普画廊30个。", "facilities_gallery"),
    ],
)
def test_seed_designation_figures_map_to_their_indicator(db, text, code):
    (claim,) = map_text(text=text, period=2023)
    assert claim.mapping.indicator == code


def test_organisation_counts_still_map_to_org_units(db):
    (claim,) = map_text(text="全省建成企业科协96家。", period=2023)
    assert claim.mapping.indicator == "org_units"
