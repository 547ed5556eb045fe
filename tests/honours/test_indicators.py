"""Honour figures in the engine against expectations counted by hand here: 人次 vs 人 (distinct persons),
awards by level, nominations put forward upward; every value links to exactly its records."""

import dataclasses
import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from kexie.honours import services
from kexie.honours.models import Level, Nomination
from kexie.honours.records import AWARDS, NOMINATIONS
from kexie.indicators.engine import evaluate
from kexie.records.filters import FilterForm, filtered
from kexie.reports.generator import generate
from tests.honours.conftest import ID_1, ID_2
from tests.indicators.helpers import SPEC, honour_expected

D = dt.date


def listed(url: str, access, declaration) -> set[int]:
    parts = urlsplit(url)
    form = FilterForm(QueryDict(parts.query), declaration=declaration, access=access)
    assert form.is_valid(), form.errors
    return set(
        filtered(declaration, declaration.list_queryset(access=access), form.filters(), access).values_list(
            "pk", flat=True
        )
    )


@pytest.fixture
def book(tree, staff, acc, programme):
    """张三 twice (市级最美 2023, 省青年科技奖 2024), 李四 once, a team of three (one of them 张三) and,
    elsewhere, 贵池's 周八 (another city)."""
    a, who = acc("province_sysadmin"), staff["province_sysadmin"]

    def award(unit, code, level, day, name, **over):
        return services.award_create(
            access=a,
            actor=who,
            data=services.AwardData(
                org_unit=tree[unit],
                programme=programme(code),
                level=level,
                year=day.year,
                awarded_on=day,
                recipient_name=name,
                document_no=over.pop("document_no", f"文{name}{day.year}"),
                **over,
            ),
        )

    made = [
        award("county", "zuimei", Level.MUNICIPAL, D(2023, 5, 30), "张三", recipient_id=ID_1),
        award("county", "province_youth_award", Level.PROVINCIAL, D(2024, 3, 1), "张三", recipient_id=ID_1),
        award("county2", "zuimei", Level.MUNICIPAL, D(2023, 5, 30), "李四", recipient_id=ID_2),
        award(
            "county",
            "popsci_advanced",
            Level.PROVINCIAL,
            D(2024, 6, 1),
            "怀宁科普队",
            kind="team",
            team_members="张三、赵一、钱二",
        ),
        award("city", "cppcc_member", Level.PROVINCIAL, D(2024, 1, 10), "孙五", tier="nominee"),
        award("other_county", "zuimei", Level.MUNICIPAL, D(2023, 5, 30), "周八"),
    ]
    return made


def test_person_times_and_distinct_persons_are_never_confused(book, tree, acc):
    access = acc("province_sysadmin")
    codes = [
        "honour_awards",
        "honour_person_times",
        "honour_persons",
        "honour_persons_municipal",
        "honour_zuimei_municipal_persons",
        "honour_person_times_cast_up",
        "honour_awards_provincial",
    ]
    r = evaluate(access=access, indicators=codes, periods=["2023", "2024", "2023..2024"], unit=tree["city"])
    n = lambda code, p: r.value(code, p).value  # noqa: E731
    # awards (项): 2 in 2023 (张三, 李四), 3 in 2024 (张三, team, 孙五)
    assert (n("honour_awards", "2023"), n("honour_awards", "2024"), n("honour_awards", "2023..2024")) == (
        2,
        3,
        5,
    )
    # person-times: 2024 = 张三 1 + team 3 + 孙五 1 = 5; persons: 张三 counted once → 5 (张三, 赵一, 钱二, 孙五)… 4
    assert n("honour_person_times", "2024") == 5
    assert n("honour_persons", "2024") == 4
    assert n("honour_person_times", "2023..2024") == 7
    assert n("honour_persons", "2023..2024") == 5  # 张三, 李四, 赵一, 钱二, 孙五
    assert n("honour_persons_municipal", "2023..2024") == 2
    assert n("honour_zuimei_municipal_persons", "2023") == 2
    # 科协 honours of 省级 and above: 省青年科技奖 张三 + the team's 3; 政协委员推荐 is not a 科协 honour
    assert n("honour_person_times_cast_up", "2024") == 4
    assert n("honour_awards_provincial", "2024") == 3
    # each value links to exactly its awards
    for code, p, want in (
        ("honour_awards", "2024", {book[1].pk, book[3].pk, book[4].pk}),
        ("honour_person_times_cast_up", "2024", {book[1].pk, book[3].pk}),
        ("honour_zuimei_municipal_persons", "2023", {book[0].pk, book[2].pk}),
        ("honour_awards_provincial", "2024", {book[1].pk, book[3].pk, book[4].pk}),
    ):
        v = r.value(code, p)
        assert v.provenance, code
        assert urlsplit(v.provenance).path == "/honours/", (code, v.provenance)
        assert listed(v.provenance, access, AWARDS) == want, code


def test_by_child_and_by_level(book, tree, acc):
    access = acc("city_admin")
    r = evaluate(
        access=access, indicators=["honour_awards"], periods=["2023..2024"], unit=tree["city"], by="child"
    )
    assert r.value("honour_awards", "2023..2024").value == 5  # 周八 of 池州 is not in 安庆's subtree
    assert r.value("honour_awards", "2023..2024", child=tree["county"]).value == 3
    assert r.value("honour_awards", "2023..2024", child=tree["county2"]).value == 1
    b = evaluate(
        access=access,
        indicators=["honour_awards"],
        periods=["2023..2024"],
        unit=tree["city"],
        breakdown="level",
    )
    assert b.value("honour_awards", "2023..2024", key="municipal").value == 2
    assert b.value("honour_awards", "2023..2024", key="provincial").value == 3


def test_nominations_upward_count_person_times_and_distinct_nominees(make_round, nominate, walk, tree, acc):
    up = make_round("province_youth_award", Level.PROVINCIAL)
    zuimei_up = make_round("zuimei", Level.PROVINCIAL)
    local = make_round("zuimei", Level.MUNICIPAL)
    a = walk(nominate(up, "张三", nominee_id=ID_1), "recommend", "qualify", "shortlist", "publicise")
    b = walk(nominate(zuimei_up, "张三", nominee_id=ID_1), "recommend", "qualify", "shortlist", "publicise")
    walk(nominate(zuimei_up, "李四", nominee_id=ID_2), "recommend", "qualify")  # not put forward
    walk(nominate(local, "王五"), "recommend", "qualify", "shortlist", "publicise")  # not upward
    year = str(up.year)
    r = evaluate(
        access=acc("city_admin"),
        indicators=[
            "honour_nominations_up",
            "honour_nominees_up",
            "honour_zuimei_nominees_up",
            "honour_nominations",
        ],
        periods=[year],
        unit=tree["city"],
    )
    assert r.value("honour_nominations_up", year).value == 2  # 人次: 张三 twice
    assert r.value("honour_nominees_up", year).value == 1  # 名: 张三 once
    assert r.value("honour_zuimei_nominees_up", year).value == 1
    assert r.value("honour_nominations", year).value == 3
    v = r.value("honour_nominations_up", year)
    assert urlsplit(v.provenance).path == "/honours/nominations/"
    assert listed(v.provenance, acc("city_admin"), NOMINATIONS) == {a.pk, b.pk}
    assert Nomination.objects.count() == 4


def _text(draft) -> str:
    out = []
    for block in draft.body["blocks"]:
        for span in block.get("spans", []):
            out.append(span.get("text") or span.get("figure", {}).get("text", ""))
        if block["kind"] == "heading":
            out.append(f"\n{block['text']}\n")
    return "".join(out)


@pytest.fixture
def only_honours(monkeypatch):
    """Copies of the annual and five-year templates with only the 人才举荐与表彰 section."""
    from kexie.reports import registry

    def _make(base, key, section):
        assert section in base.sections  # hooked into the real template
        monkeypatch.setitem(registry._TEMPLATES, key, dataclasses.replace(base, key=key, sections=(section,)))
        return key

    return _make


def test_the_report_sections_appear_only_with_data(book, tree, acc, only_honours):
    from kexie.core.errors import DomainError
    from kexie.reports.catalogue import ANNUAL, FIVE_YEAR
    from kexie.reports.sections_honours import ANNUAL_SECTION, FIVE_YEAR_SECTION

    key = only_honours(ANNUAL, "annual_honours_test", ANNUAL_SECTION)
    with pytest.raises(DomainError):  # no honours in 2022: the section is left out (here: nothing left)
        generate(acc("city_admin"), key, tree["city"], "2022")
    text = _text(generate(acc("city_admin"), key, tree["city"], "2024"))
    assert "人才举荐与表彰" in text
    assert "全市科技工作者受到各级表彰5人次，共4人（同一人多次受表彰只计1人，团队获奖按成员计）" in text
    assert "获奖、入选3项，其中省级3项。" in text
    key = only_honours(FIVE_YEAR, "five_honours_test", FIVE_YEAR_SECTION)
    text = _text(generate(acc("city_admin"), key, tree["city"], "2020..2024"))
    assert "五年来，全市科技工作者受到各级表彰7人次，共5人" in text
    assert "评选出全市最美科技工作者2人。" in text


def test_every_honour_indicator_matches_its_restatement(book, make_round, nominate, walk, tree, acc):
    """Every honour_* figure (total, each child, 本级) against tests/indicators/helpers.py's restatement."""
    from kexie.core.periods import Period
    from kexie.indicators.registry import indicators

    up = make_round("province_youth_award", Level.PROVINCIAL)
    walk(nominate(up, "张三", nominee_id=ID_1), "recommend", "qualify", "shortlist", "publicise")
    walk(
        nominate(make_round("zuimei", Level.PROVINCIAL), "李四", nominee_id=ID_2),
        "recommend",
        "qualify",
        "shortlist",
        "publicise",
    )
    codes = [i.code for i in indicators() if i.code.startswith("honour_")]
    assert set(codes) <= set(SPEC)
    periods = ["2023", "2024", "2023..2024", str(up.year)]
    access = acc("province_sysadmin")
    result = evaluate(access=access, indicators=codes, periods=periods, unit=tree["city"], by="child")
    checked = 0
    for v in result:
        measure, predicate = SPEC[v.indicator.code]
        want = honour_expected(
            measure, predicate, Period.parse(str(v.period)), v.unit.path, own_only=v.own_only
        )
        assert v.value == want, (v.indicator.code, str(v.period), v.unit.name, v.own_only)
        checked += bool(v.value)
    assert checked > 30


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("五年来，全市向中国科协、省科协推荐各类人才3人次。", "honour_nominations_up"),
        ("2024年，评选出全市最美科技工作者2人。", "honour_zuimei_municipal_persons"),
        (
            "连续开展全市最美科技工作者评选，共计评选出全市最美科技工作者15人。",
            "honour_zuimei_municipal_persons",
        ),
        ("全市科技工作者受到各级表彰5人次，共4人。", None),  # 表彰 of every kind: no words, never mapped
        ("择优推荐3人参加全省最美科技工作者评选。", None),
    ],
)
def test_the_sections_sentences_read_back_to_their_indicators(db, text, code):
    from kexie.reports.factcheck.services import map_text

    (claim, *_) = map_text(text=text, period="2020..2024")
    assert claim.mapping.indicator == code, claim.reason
