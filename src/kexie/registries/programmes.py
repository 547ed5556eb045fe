"""The built-in programmes (称号/平台项目), seeded by migration 0002 so that a fresh database knows them.

From domain.md §5 and the seed reports. Terms are set only where the programme's rules say so
(科普教育基地: valid to the end of the five-year batch; 科普示范县/乡镇/社区/学校/单位: five-year
demonstration period); elsewhere a designation stays in force until it is revoked.
"""

ALL = ["national", "provincial", "municipal", "county"]
NATIONAL_TO_CITY = ["national", "provincial", "municipal"]

POPSCI_BASE_CATEGORIES = [
    "科技场馆类",
    "教育科研与重大工程类",
    "“三农”类",
    "企业类",
    "自然资源类",
    "其他类",
]

BUILT_IN: list[dict] = [
    # 科普阵地
    dict(
        code="popsci_base",
        name="科普教育基地",
        category="popsci_site",
        levels=ALL,
        issuer="中国科协",
        term_years=5,
        national_categories=POPSCI_BASE_CATEGORIES,
        description="全国科普教育基地按五年一个批次命名（如2021—2025年度），有效期至批次期末；各级科协另行认定省、市、县级基地。",
    ),
    dict(code="industry_popsci_base", name="特色产业科普基地", category="popsci_site", levels=ALL, issuer=""),
    dict(
        code="scientist_spirit_base", name="科学家精神教育基地", category="popsci_site", levels=ALL, issuer=""
    ),
    dict(
        code="kepu_estation",
        name="科普中国e站",
        category="popsci_site",
        levels=["municipal", "county"],
        issuer="",
        description="乡镇、村（社区）向县级科协申请，县级审核、市级复核后授牌。",
    ),
    # 示范创建
    dict(
        code="demo_county",
        name="科普示范县(市、区)",
        category="demonstration",
        levels=NATIONAL_TO_CITY,
        issuer="中国科协",
        term_years=5,
        description="五年一个创建周期，期末自评、复核后重新命名。",
    ),
    dict(
        code="demo_township",
        name="科普示范乡镇",
        category="demonstration",
        levels=ALL,
        issuer="",
        term_years=5,
    ),
    dict(
        code="demo_community",
        name="科普示范社区",
        category="demonstration",
        levels=ALL,
        issuer="",
        term_years=5,
    ),
    dict(
        code="demo_school", name="科普示范学校", category="demonstration", levels=ALL, issuer="", term_years=5
    ),
    dict(
        code="demo_unit", name="科普示范单位", category="demonstration", levels=ALL, issuer="", term_years=5
    ),
    dict(
        code="huimin_community",
        name="科普惠民社区",
        category="demonstration",
        levels=ALL,
        issuer="",
        description="基层科普行动计划（社区科普益民计划）奖补对象。",
    ),
    # 服务平台
    dict(
        code="academician_station",
        name="院士专家工作站",
        category="service_platform",
        levels=NATIONAL_TO_CITY,
        issuer="",
        expert_caps={"serving": 1, "retired": 3},
        description="在职院士至多受聘1个工作站，退休院士至多3个；每站每年工作不少于3个月。年度评估分优秀、良好、合格、不合格。",
    ),
    dict(
        code="haizhi_base",
        name="海智计划工作基地",
        category="service_platform",
        levels=NATIONAL_TO_CITY,
        issuer="中国科协",
    ),
    dict(code="haizhi_station", name="海智计划工作站", category="service_platform", levels=ALL, issuer=""),
    dict(
        code="society_station",
        name="学会服务站",
        category="service_platform",
        levels=NATIONAL_TO_CITY,
        issuer="",
        description="学会创新驱动服务站，年度成效评价分优秀、良好、合格。",
    ),
    dict(code="expert_station", name="专家服务站", category="service_platform", levels=ALL, issuer=""),
    dict(
        code="sci_backyard",
        name="科技小院",
        category="service_platform",
        levels=["national", "provincial"],
        issuer="教育部、农业农村部、中国科协",
    ),
    dict(
        code="survey_site",
        name="科技工作者状况调查站点",
        category="service_platform",
        levels=["national", "provincial"],
        issuer="中国科协",
    ),
    # 试点
    dict(code="kechuang_china", name="科创中国试点", category="pilot", levels=ALL, issuer="中国科协"),
    dict(
        code="kechuang_anhui",
        name="科创安徽试点",
        category="pilot",
        levels=["provincial", "municipal", "county"],
        issuer="安徽省科协",
    ),
]
