"""The built-in honour programmes (荣誉项目), seeded by migration 0002 so that a fresh database knows them.

From domain.md §5.6, issue #11 and the seed reports. 本级 programmes (最美科技工作者, 优秀科技工作者,
科普先进集体/个人) exist at the levels a 科协 runs them; upward ones (全国创新争先奖, 中国青年科技奖 …)
at the level that decides them, to which a city or county recommends. Quotas are those the rules
state (全国创新争先奖: ≤30 奖章, ≤300 奖状, 10 团队奖牌 a round; 最美科技工作者: 10 a year nationally);
elsewhere the round's notice sets them.
"""

ALL = ["national", "provincial", "municipal", "county"]

BUILT_IN: list[dict] = [
    # 本级评选 (also run upward: a province's or the nation's 最美 is an upward programme for a city)
    dict(
        code="zuimei",
        name="最美科技工作者",
        levels=ALL,
        issuer="",
        recipients="individual",
        cycle_years=1,
        no_repeat=True,
        tiers=[],
        description="全国每年发布10名（中宣部、中国科协、科技部等主办）；各地每年或每两年评选本级“最美科技工作者”，"
        "已获同级“最美”称号的不再重复推荐。",
    ),
    dict(
        code="outstanding_worker",
        name="优秀科技工作者",
        levels=ALL,
        issuer="",
        recipients="individual",
        no_repeat=False,
    ),
    dict(
        code="popsci_advanced",
        name="科普工作先进集体和个人",
        levels=ALL,
        issuer="",
        recipients="both",
        description="表彰在科普工作中成绩突出的集体（团队）和个人。",
    ),
    dict(
        code="outstanding_teacher",
        name="优秀科技教师",
        levels=["provincial", "municipal", "county"],
        issuer="",
        recipients="individual",
    ),
    # 向上推荐
    dict(
        code="innovation_award",
        name="全国创新争先奖",
        levels=["national"],
        issuer="中国科协、科技部、人力资源社会保障部、国务院国资委",
        recipients="both",
        cycle_years=3,
        tiers=["medal", "certificate", "plaque"],
        tier_quotas={"medal": 30, "certificate": 300, "plaque": 10},
        description="每三年评选一次；每届授予团队奖牌10个、个人奖章不超过30名、个人奖状不超过300名。",
    ),
    dict(
        code="youth_st_award",
        name="中国青年科技奖",
        levels=["national"],
        issuer="中共中央组织部、人力资源社会保障部、中国科协",
        recipients="individual",
        cycle_years=2,
    ),
    dict(
        code="province_youth_award",
        name="省青年科技奖",
        levels=["provincial"],
        issuer="",
        recipients="individual",
        cycle_years=2,
    ),
    dict(
        code="academician_candidate",
        name="院士候选人推荐",
        levels=["national"],
        issuer="中国科协",
        recipients="individual",
        cycle_years=2,
        tiers=["nominee"],
        description="中国科协按学部推荐两院院士候选人，结果为“入选推荐人选”。",
    ),
    dict(
        code="cppcc_member",
        name="政协委员推荐",
        levels=["national", "provincial", "municipal", "county"],
        issuer="",
        by_association=False,
        recipients="individual",
        cycle_years=5,
        tiers=["nominee"],
        description="科协界别政协委员人选推荐，随政协换届进行。",
    ),
    dict(
        code="innovation_talent",
        name="创新达人",
        levels=["provincial"],
        issuer="",
        recipients="individual",
        description="如安徽省“创新达人”。",
    ),
    dict(
        code="chenguang",
        name="青年科技晨光计划",
        levels=["provincial"],
        issuer="",
        recipients="individual",
        tiers=["funded"],
        description="省科协青年科技人才资助项目（如“湖北省青年科技晨光计划”）。",
    ),
]
