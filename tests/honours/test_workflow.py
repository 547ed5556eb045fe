"""The nomination lifecycle on the shared transition mechanism: 通知 → 单位推荐 → 资格审查 → 评审 → 公示 →
结果 (入选 writes the award), with 退回 needing a reason, quotas and the repeat-award exclusion."""

import pytest
from django.utils import timezone

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.honours import services
from kexie.honours.models import Award, Level, Nomination, Recipient, State
from kexie.people.models import Person
from kexie.workflows.definitions import registration_for
from kexie.workflows.selectors import available_transitions, object_log, waiting
from kexie.workflows.services import transition
from tests.honours.conftest import ID_1, ID_2


def test_a_city_round_runs_from_notice_to_award(make_round, nominate, walk, acc, tree):
    r = make_round(quota=2)
    assert r.title == f"{timezone.localdate().year}年度安庆市最美科技工作者评选"
    assert not services.is_upward(r)
    n = nominate(r, "张三", nominee_id=ID_1, nominee_employer="怀宁县人民医院")
    assert n.state == State.DRAFT
    assert n.nominee_id == "3408**********123X"  # the mask only
    assert n.person.id_masked == "3408**********123X"
    assert n.person.id_hash
    walk(n, "recommend", "qualify")
    walk(n, "return", reason="缺少单位推荐意见")
    assert n.state == State.RETURNED
    walk(n, "recommend", "qualify", "shortlist", "publicise", "select")
    n.refresh_from_db()
    assert n.state == State.SELECTED
    award = Award.objects.get(nomination=n)
    assert (award.programme.code, award.level, award.year, award.org_unit) == (
        "zuimei",
        Level.MUNICIPAL,
        r.year,
        tree["county"],
    )
    assert award.issuer == "安庆市科学技术协会"
    assert award.document_no == "宜科协发〔2026〕9号"
    assert list(Recipient.objects.filter(award=award).values_list("person_id", flat=True)) == [n.person_id]
    log = [e.label for e in object_log(obj=n)]
    assert log == [
        "登记推荐人选", "单位推荐", "资格审查通过", "退回", "单位推荐", "资格审查通过", "评审通过", "公示", "入选",
    ]  # fmt: skip
    assert list(object_log(obj=n))[3].reason == "缺少单位推荐意见"


def test_return_needs_a_reason(make_round, nominate, walk, acc):
    n = walk(nominate(make_round()), "recommend")
    with pytest.raises(DomainError) as e:
        transition(access=acc("city_reviewer"), obj=n, code="return", reason="  ")
    assert "必须填写理由" in e.value.message
    assert Nomination.objects.get(pk=n.pk).state == State.RECOMMENDED


def test_only_the_organising_unit_judges(make_round, nominate, walk, acc):
    n = walk(nominate(make_round()), "recommend")
    assert [t.code for t in available_transitions(access=acc("county_reviewer"), obj=n)] == []
    with pytest.raises(PermissionDeniedError) as e:
        transition(access=acc("county_reviewer"), obj=n, code="qualify")
    assert "评选组织单位" in e.value.message
    assert {t.code for t in available_transitions(access=acc("city_reviewer"), obj=n)} == {
        "qualify",
        "disqualify",
        "return",
    }
    # the city reviewer's 待办 lists it
    assert list(waiting(access=acc("city_reviewer"), reg=registration_for(Nomination))) == [n]


def test_quota_is_checked_at_review_and_at_result_with_a_precise_message(make_round, nominate, walk, acc):
    r = make_round(quota=1)
    a = walk(nominate(r, "张三"), "recommend", "qualify", "shortlist")
    b = walk(nominate(r, "李四"), "recommend", "qualify")
    with pytest.raises(DomainError) as e:
        walk(b, "shortlist")
    assert e.value.message == (f"“{r.title}”名额为1名，已有1名评审通过（张三），不能再评审通过“李四”。")
    b.refresh_from_db()
    assert b.state == State.QUALIFIED  # nothing written
    walk(a, "publicise", "not_select")  # the place is free again
    walk(b, "shortlist", "publicise", "select")
    assert Award.objects.filter(recipient_name="李四").count() == 1


def test_tier_quotas_of_the_programme(make_round, nominate, walk, programme):
    p = programme("innovation_award")
    p.tier_quotas = {"medal": 1, "certificate": 300, "plaque": 10}
    p.save()
    r = make_round("innovation_award", Level.NATIONAL, unit="province", who="province_admin")
    first = walk(nominate(r, "甲", unit="city", who="city_filler"), "recommend", actor="city_filler")
    second = walk(nominate(r, "乙", unit="city", who="city_filler"), "recommend", actor="city_filler")
    for n in (first, second):
        walk(n, "qualify", actor="province_admin")
    with pytest.raises(DomainError) as e:
        walk(first, "shortlist", actor="province_admin")
    assert "请选择拟授等次" in e.value.message
    first.refresh_from_db()
    walk(first, "shortlist", data={"tier": "medal"}, actor="province_admin")
    with pytest.raises(DomainError) as e:
        walk(second, "shortlist", data={"tier": "medal"}, actor="province_admin")
    assert e.value.message == "“全国创新争先奖”奖章每轮至多1名，本轮已有1名，不能再评审通过“乙”为奖章。"
    second.refresh_from_db()
    walk(second, "shortlist", data={"tier": "certificate"}, actor="province_admin")


def test_repeat_award_is_excluded_where_the_programme_says_so(make_round, nominate, walk, staff, acc, tree):
    r = make_round(year=timezone.localdate().year - 1)
    n = walk(nominate(r, "张三", nominee_id=ID_1), "recommend", "qualify", "shortlist", "publicise", "select")
    later = make_round()
    with pytest.raises(DomainError) as e:
        nominate(later, "张三", nominee_id=ID_1)
    assert e.value.field == "nominee_name"
    assert f"张三已于{r.year}年获得市级“最美科技工作者”" in e.value.message
    assert "不得重复获得" in e.value.message
    # the same person may be nominated upward (another level), and a programme without the rule repeats
    upward = make_round("zuimei", Level.PROVINCIAL)
    assert nominate(upward, "张三", nominee_id=ID_1).person_id == n.person_id
    other = make_round("outstanding_worker")
    walk(nominate(other, "张三", nominee_id=ID_1), "recommend")


def test_one_nomination_per_person_per_round(make_round, nominate):
    r = make_round()
    nominate(r, "张三", nominee_id=ID_1)
    with pytest.raises(DomainError) as e:
        nominate(r, "张三", nominee_id=ID_1, unit="county2", who="county2_filler")
    assert "已由“怀宁县科学技术协会”在本轮推荐" in e.value.message


def test_a_person_is_entered_once(make_round, nominate, walk, acc, staff, tree):
    r = make_round()
    n = nominate(r, "王五", nominee_id=ID_2, nominee_employer="怀宁县中学")
    award = services.award_create(
        access=acc("county_filler"),
        actor=staff["county_filler"],
        data=services.AwardData(
            org_unit=tree["county"],
            programme=n.round.programme,
            level=Level.PROVINCIAL,
            year=r.year,
            awarded_on=timezone.localdate(),
            recipient_name="王五",
            recipient_id=ID_2,
            document_no="皖科协发〔2026〕1号",
        ),
    )
    assert award.person_id == n.person_id
    assert Person.objects.filter(name="王五").count() == 1


def test_team_nominations_name_their_members(make_round, nominate, walk, programme):
    r = make_round("popsci_advanced")
    n = nominate(r, "怀宁县科普志愿服务队", kind="team", team_members="赵一、钱二，孙三")
    assert n.team_members == "赵一、钱二、孙三"
    assert sorted(n.members.values_list("name", flat=True)) == ["孙三", "赵一", "钱二"]
    walk(n, "recommend", "qualify", "shortlist", "publicise", "select")
    award = Award.objects.get(nomination=n)
    assert award.recipient_rows.count() == 3
    with pytest.raises(DomainError) as e:
        nominate(make_round("zuimei"), "某团队", kind="team", team_members="赵一")
    assert e.value.message == "“最美科技工作者”只授予个人，不能推荐团队。"


def test_a_round_is_at_the_organisers_level_or_upward(make_round):
    with pytest.raises(DomainError) as e:
        make_round(level=Level.COUNTY)  # a city does not decide a county honour
    assert e.value.message == "“安庆市科学技术协会”是市级科协，不能组织县级评选；请由县级科协组织。"
    # a county collects candidates for the city's honour: an upward round
    assert services.is_upward(make_round(unit="county", who="county_admin"))
    with pytest.raises(DomainError) as e:
        make_round(unit="society", who="city_admin")
    assert "不是地方科协" in e.value.message


def test_an_upward_round_records_the_upper_result(make_round, nominate, walk):
    r = make_round("province_youth_award", Level.PROVINCIAL)
    assert services.is_upward(r)
    assert r.title.endswith("省级省青年科技奖推荐")
    n = walk(nominate(r, "钱七"), "recommend", "qualify", "shortlist", "publicise")
    assert n.forwarded_on == timezone.localdate()
    walk(n, "select", data={"document_no": "皖青科奖〔2026〕2号"})
    award = Award.objects.get(nomination=n)
    assert award.level == Level.PROVINCIAL
    assert award.document_no == "皖青科奖〔2026〕2号"
