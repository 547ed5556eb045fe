"""Office holders and coverage on the demo tree, as of two dates, against hand-counted expectations
(see kexie/people/demo.py for the posts: terms, sources and the person holding two posts)."""

import pytest

from kexie.indicators.engine import evaluate
from kexie.orgs.demo import build_demo
from kexie.orgs.models import Membership, OrgUnit, Role
from kexie.orgs.scoping import access_for
from kexie.people.demo import DEMO_PEOPLE, DEMO_POSTS, add_demo_people, extend_demo
from kexie.people.models import Person, Post, Township
from tests.indicators.helpers import expected

CODES = [
    "people_sci_workers",
    "people_experts",
    "posts_three_heads_people",
    "posts_three_heads",
    "township_units",
    "townships_total",
    "township_coverage",
    "township_units_three_heads",
    "township_three_heads_coverage",
]


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    build_demo()
    add_demo_people()
    admin = Membership.objects.filter(role=Role.SYSADMIN, org_unit__depth=1).select_related("user").first()
    return access_for(admin.user, admin.pk)


def _values(access, code: str) -> dict[str, dict]:
    unit = OrgUnit.objects.get(code=code)
    result = evaluate(access=access, indicators=CODES, periods=["2022", "2024"], unit=unit)
    return {p: {c: result.value(c, p).value for c in CODES} for p in ("2022", "2024")}


def test_coverage_as_of_two_dates(demo):
    values = _values(demo, "340881")
    # 15 townships (3 街道, 12 镇; the two 开发区 are 类似乡级单位), 3 demo township 科协
    assert values["2022"] == {
        "people_sci_workers": 5,  # 王建国 李明 陈芳 张伟 赵敏
        "people_experts": 3,  # 王建国 张伟 刘洋
        "posts_three_heads_people": 2,  # 王建国, 李明 (until 2023-02-28); 刘洋 is 企业家
        "posts_three_heads": 2,
        "township_units": 3,
        "townships_total": 15,
        "township_coverage": pytest.approx(20.0),
        "township_units_three_heads": 1,  # 孔城镇
        "township_three_heads_coverage": pytest.approx(100 / 3),
    }
    assert values["2024"] == {
        "people_sci_workers": 5,
        "people_experts": 3,
        "posts_three_heads_people": 3,  # 王建国, 张伟 (two posts, one person), 陈芳
        "posts_three_heads": 4,  # 人次: 张伟 counts twice
        "township_units": 3,
        "townships_total": 15,
        "township_coverage": pytest.approx(20.0),
        "township_units_three_heads": 3,  # 孔城镇, 龙腾街道 (陈芳), 文昌街道 (张伟 as 委员)
        "township_three_heads_coverage": pytest.approx(100.0),
    }

    # the other county, the city, and the city by child (a distinct stock does not add up)
    values = _values(demo, "340822")
    assert values["2022"]["people_experts"] == 0  # 吴静 is an expert from 2024-01-01
    assert values["2024"]["people_experts"] == 1
    assert values["2022"]["posts_three_heads_people"] == values["2024"]["posts_three_heads_people"] == 1
    assert values["2024"]["townships_total"] == 20
    assert values["2024"]["township_coverage"] == pytest.approx(15.0)
    city = _values(demo, "340800")
    assert city["2022"]["posts_three_heads_people"] == 3
    assert city["2024"]["posts_three_heads_people"] == 4  # distinct people across the counties
    result = evaluate(
        access=demo,
        indicators=["posts_three_heads_people"],
        periods=["2024"],
        unit=OrgUnit.objects.get(code="340800"),
        by="child",
    )
    by_child = {
        c.code: result.value("posts_three_heads_people", "2024", child=c).value for c in result.children
    }
    assert by_child["340881"] == 3
    assert by_child["340822"] == 1
    # and every figure of the city, its children and their own records equals the Python restatement
    # of tests/indicators/helpers.py (no engine)
    result = evaluate(
        access=demo,
        indicators=CODES,
        periods=["2022", "2024"],
        unit=OrgUnit.objects.get(code="340800"),
        by="child",
    )
    checked = 0
    for v in result:
        want = expected(v.code, [], v.period, v.unit.path, own_only=v.own_only)
        assert v.value == (None if want is None else pytest.approx(want)), (v.code, v.period, v.label)
        checked += 1
    assert checked > 100
    _demo_loads_once()


def _demo_loads_once():
    assert Person.objects.count() == len(DEMO_PEOPLE)
    assert Post.objects.count() == len(DEMO_POSTS)
    before = Township.objects.count()
    assert add_demo_people()[1:] == (0, 0)
    assert Township.objects.count() == before
    assert extend_demo().startswith("演示人员与任职：乡镇（街道）0个，人员0人，任职0条")


def test_without_the_demo_tree_nothing_is_added(db):
    assert add_demo_people() == (0, 0, 0)


def test_a_demo_loaded_early_has_no_posts_from_its_future(db, settings):
    import datetime as dt

    import time_machine

    settings.DEBUG = True
    build_demo()
    with time_machine.travel(dt.datetime(2022, 2, 15, 12, tzinfo=dt.UTC)):
        _townships, people, posts = add_demo_people()
    assert people == len(DEMO_PEOPLE)
    assert posts == sum(1 for row in DEMO_POSTS if row[5] <= dt.date(2022, 2, 15)) == 4
