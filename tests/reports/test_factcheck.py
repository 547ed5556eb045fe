"""The fact-check: mapping a figure to an indicator, judging it by how it is written, the generated
review with three figures changed by hand, scope, and .docx input."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from kexie.activities.models import Activity
from kexie.core.errors import DomainError
from kexie.core.numbers import phrase
from kexie.core.periods import Period
from kexie.indicators.registry import indicators
from kexie.reports.factcheck import services
from kexie.reports.factcheck.mapping import Reader, UnitName, Vocabulary
from kexie.reports.factcheck.services import Verdict, check_text, read_docx
from kexie.reports.generator import generate, noun
from tests.factories import make_activity

REPORT = Period.year(2024)


# --------------------------------------------------------------------------- mapping (pure text)


def _map(text: str, figure: str, default: Period = REPORT, units: list[UnitName] | None = None):
    """The mapping of the figure written `figure` (first occurrence) in `text`."""
    figures, markers = services.read_figures(text)
    i = next(i for i, f in enumerate(figures) if re.sub(r"\s+", "", f.text) == figure)
    return Reader(text, figures, markers, default, Vocabulary(indicators()), units or []).map(i)


@pytest.mark.parametrize(
    ("text", "figure", "code", "campaign", "period"),
    [
        ("全年共举办科普活动1646场次，参与群众25.3万人次。", "1646场次", "popsci_activities", None, "2024"),
        (
            "全年共举办科普活动1646场次，参与群众25.3万人次。",
            "25.3万人次",
            "popsci_participants",
            None,
            "2024",
        ),
        ("开展2000多场次科普活动。", "2000多场次", "popsci_activities", None, "2024"),
        ("其中重点科普活动120场次。", "120场次", "popsci_key_activities", None, "2024"),
        ("举办学术交流活动30场次，参加近3800人次。", "30场次", "academic_activities", None, "2024"),
        ("举办学术交流活动30场次，参加近3800人次。", "近3800人次", "academic_participants", None, "2024"),
        (
            "讲座、报告会10场次，展览3场次，咨询、义诊7场次，培训8场次。",
            "3场次",
            "popsci_exhibitions",
            None,
            "2024",
        ),
        (
            "讲座、报告会10场次，展览3场次，咨询、义诊7场次，培训8场次。",
            "8场次",
            "popsci_trainings",
            None,
            "2024",
        ),
        ("面向青少年开展科普活动14场次。", "14场次", "popsci_youth_activities", None, "2024"),
        ("科普活动线上浏览量近14万次。", "近14万次", "popsci_online_views", None, "2024"),
        ("科普活动浏览量达1.2万。", "达1.2万", "popsci_online_views", None, "2024"),
        ("举办科普活动600场次，参观人次达120万。", "达120万", "popsci_participants", None, "2024"),
        ("科技活动周期间开展活动6场次，参与3000人次。", "6场次", "st_week_activities", None, "2024"),
        ("全国科普日期间开展活动6场次。", "6场次", "popsci_activities", "science_day", "2024"),
        ("科技活动周期间开展活动6场次，参与3000人次。", "3000人次", "popsci_participants", "st_week", "2024"),
        ("围绕全国科普日（科普月）开展活动11场次。", "11场次", "science_day_month_activities", None, "2024"),
        ("“5·30”全国科技工作者日期间举办活动8场次。", "8场次", "popsci_activities", "workers_day", "2024"),
        (
            "各类活动中，科技工作者参与365人次，志愿者参与221人次。",
            "365人次",
            "sci_worker_participation",
            None,
            "2024",
        ),
        (
            "各类活动中，科技工作者参与365人次，志愿者参与221人次。",
            "221人次",
            "volunteer_participation",
            None,
            "2024",
        ),
        ("重点科普活动15场次，占全部科普活动的38.5%。", "38.5%", "popsci_key_share", None, "2024"),
        ("共有5个单位举办了科普活动。", "5个", "popsci_organisers", None, "2024"),
        # periods stated or implied
        ("2023年，全市举办科普活动90场次。", "90场次", "popsci_activities", None, "2023"),
        (
            "2023年，全市举办科普活动90场次。全年科普活动参与4000人次。",
            "4000人次",
            "popsci_participants",
            None,
            "2023",
        ),
        ("今年举办科普活动39场次。", "39场次", "popsci_activities", None, "2024"),
        ("五年来，累计举办科普活动300场次。", "300场次", "popsci_activities", None, "2020..2024"),
        ("“十四五”以来，举办科普活动300场次。", "300场次", "popsci_activities", None, "2021..2024"),
        ("2021-2025年举办科普活动300场次。", "300场次", "popsci_activities", None, "2021..2025"),
        ("去年举办科普活动80场次。", "80场次", "popsci_activities", None, "2023"),
        ("2022年以来，举办科普活动200场次。", "200场次", "popsci_activities", None, "2022..2024"),
        ("2023年9月，举办科普活动20场次。", "20场次", "popsci_activities", None, "2023-09"),
        (
            "举办科普活动39场次，比上年增长2.6%；线上浏览量近14万次。",
            "近14万次",
            "popsci_online_views",
            None,
            "2024",
        ),
    ],
)
def test_it_maps_a_figure_to_an_indicator_campaign_and_period(text, figure, code, campaign, period):
    m = _map(text, figure)
    assert (m.indicator, m.campaign, str(m.period)) == (code, campaign, period), m.reason


def test_the_default_period_can_be_a_span():
    m = _map("全市举办科普活动77场次。", "77场次", default=Period.span(2020, 2024))
    assert str(m.period) == "2020..2024"
    m = _map("今年举办科普活动39场次。", "39场次", default=Period.span(2020, 2024))
    assert str(m.period) == "2024"


@pytest.mark.parametrize(
    ("text", "figure", "reason"),
    [
        ("发表科普文章300多篇。", "300多篇", "没有以“篇”计的指标"),  # 服务队 (支) map since issue 11
        ("累计举办重点科普活动2000多场次。", "2000多场次", "“累计”表示多年累计，没有说明从哪一年起算"),
        ("开展科普大篷车活动600场次，参观人次达120万。", "达120万", "比“科普活动参与人次”的范围窄"),
        ("举办特色科普展演活动3000余场次。", "3000余场次", "多了“特色科普展演”"),
        ("视频153个，总浏览量播放量达630余万次。", "达630余万次", "“播放”不是“科普活动线上浏览量”统计的内容"),
        ("学术年会开展了7场主题报告和5场工作坊。", "5场", "上下文没有说明"),
        ("学术年会开展了7场主题报告和5场工作坊。", "7场", "上下文没有说明"),
        ("2023年，先后组织科技专家4000余人次参与扶贫。", "4000余人次", "句中没有提到活动"),
        ("今年9月举办论坛；先后组织科技工作者参加活动400人次。", "400人次", "“先后”表示多年累计"),
        ("近年来举办科普活动300余场次。", "300余场次", "“近年来”没有说明从哪一年起算"),
        ("力争全年举办科普活动500场次。", "500场次", "这是计划或目标"),
        ("2025年举办科普活动500场次。", "500场次", "晚于报告年份2024年"),
        ("40多人次受到表彰。", "40多人次", "“受到表彰”没有写明中国科协和省科协"),
        ("举办重点科普讲座20场次。", "20场次", "提到了“重点”，没有按它统计的“讲座/报告会场次”"),
        ("其中重点活动120场次，参与2万人次。", "2万人次", "多了“重点”"),
        ("围绕科技活动周、全国科普日举办活动50场次。", "50场次", "无法按单一类别（如单一活动品牌）核对"),
        ("全国科技工作者日活动浏览量在全国排第9名。", "第9名", "可在“荣誉与排名”中登记"),
        ("公民具备科学素质比例达12.5%。", "达12.5%", "不是由记录计算的指标"),
        ("较“十三五”末提高2.4个百分点。", "提高2.4个百分点", "需要基期数值"),
        ("转发权威信息141.8万次。", "141.8万次", "“次”可以指场次"),
    ],
)
def test_it_says_why_a_figure_cannot_be_checked(text, figure, reason):
    m = _map(text, figure)
    assert m.indicator is None
    assert reason in m.reason


def test_a_named_subordinate_unit_gets_its_own_figure():
    units = [
        UnitName("怀宁县科学技术协会", "child", 11),
        UnitName("桐城市科协", "child", 12),
        UnitName("高河镇科协", "deeper", 13),
    ]
    text = "科普活动场次居前两位的是怀宁县科学技术协会（16场次）和桐城市科协（7场次）；高河镇科协举办科普活动5场次。"
    assert [_map(text, f, units=units).child for f in ("16场次", "7场次")] == [11, 12]
    assert "不是所选单位的直属下级" in _map(text, "5场次", units=units).reason
    text = "桐城市科协举办科普活动120场次，参与5000人次；全市举办科普活动300场次。"
    assert [_map(text, f, units=units).child for f in ("120场次", "5000人次", "300场次")] == [12, 12, None]


# --------------------------------------------------------------------------- judging against records


@pytest.fixture
def one_activity(tree):
    """make(participants) → 桐城市's only activity in 2024 (held, 科普)."""

    def _make(participants: int) -> Activity:
        return make_activity(tree["county2"], "桐城科普讲座", dt.date(2024, 5, 20), participants=participants)

    return _make


@pytest.mark.parametrize(
    ("written", "participants", "verdict"),
    [
        ("2000多人次", 2134, Verdict.CONSISTENT),
        ("2000多人次", 1980, Verdict.INCONSISTENT),
        ("2000多人次", 3100, Verdict.INCONSISTENT),
        ("2000多人次", 2000, Verdict.INCONSISTENT),  # 多 is strictly more
        ("近2000人次", 1980, Verdict.CONSISTENT),
        ("近2000人次", 2000, Verdict.INCONSISTENT),
        ("约2000人次", 2090, Verdict.CONSISTENT),
        ("约2000人次", 2200, Verdict.INCONSISTENT),
        ("超过2000人次", 3100, Verdict.CONSISTENT),
        ("2134人次", 2134, Verdict.CONSISTENT),
        ("2134人次", 2135, Verdict.INCONSISTENT),
        ("0.2万人次", 2134, Verdict.CONSISTENT),  # 0.2万 is rounded: 1500..2499
    ],
)
def test_it_judges_a_figure_by_its_qualifier(one_activity, access_of, tree, written, participants, verdict):
    one_activity(participants)
    text = f"2024年，全市举办科普活动，参与{written}。"
    result = check_text(access=access_of("city_admin"), text=text, period=2024, unit=tree["county2"])
    (claim,) = [c for c in result.claims if c.indicator]
    assert claim.indicator.code == "popsci_participants"
    assert claim.value == participants
    assert claim.verdict == verdict
    if verdict == Verdict.INCONSISTENT:
        assert claim.computed == f"{participants}人次"
        assert claim.provenance.startswith("/activities/?period=2024&unit=")


def test_a_wrong_figure_gets_the_value_a_correct_phrase_and_the_records_link(
    one_activity, access_of, tree, login
):
    one_activity(1980)
    result = check_text(
        access=access_of("city_admin"),
        text="全年举办科普活动，参与2000多人次。",
        period=2024,
        unit=tree["county2"],
    )
    (claim,) = result.claims
    assert claim.suggestion == phrase(1980, "人次", "多")
    records = login("city_admin").get(claim.provenance)
    assert records.status_code == 200
    assert list(records.context["page"].object_list) == list(
        Activity.objects.filter(org_unit=tree["county2"])
    )


def test_a_campaign_without_records_is_zero_with_a_filtered_link(one_activity, access_of, tree):
    one_activity(100)
    result = check_text(
        access=access_of("city_admin"),
        text="科技活动周期间举办活动3场次。",
        period=2024,
        unit=tree["county2"],
    )
    (claim,) = result.claims
    assert (claim.value, claim.verdict) == (0, Verdict.INCONSISTENT)
    assert "campaign=st_week" in claim.provenance


def test_all_figures_are_computed_in_one_engine_call(one_activity, access_of, tree, monkeypatch):
    one_activity(500)
    calls = []
    real = services.evaluate
    monkeypatch.setattr(services, "evaluate", lambda **kw: calls.append(kw) or real(**kw))
    text = "2024年举办科普活动1场次，参与500人次；科技活动周举办活动0场次。2023年举办学术交流活动0场次。"
    result = check_text(access=access_of("city_admin"), text=text, period=2024, unit=tree["county2"])
    assert len(calls) == 1
    assert {str(p) for p in calls[0]["periods"]} == {"2023", "2024"}
    assert [c.verdict for c in result.claims] == [Verdict.CONSISTENT] * 4


# --------------------------------------------------------------------------- the generated review


def _wrong(claim) -> str:
    """The claim's figure written the same way for a clearly different value."""
    q = claim.found.quantity
    style = q.qualifier if q.qualifier in ("多", "余", "近", "约", "达") else "exact"
    scale = "auto" if ("万" in claim.text or "亿" in claim.text) else None
    wrong = phrase(claim.value * 2 + 10, claim.indicator.unit, style, scale=scale)
    assert wrong != claim.text
    return wrong


def test_a_generated_review_with_three_figures_changed_flags_exactly_those(activities, access_of, tree):
    access = access_of("city_admin")
    draft = generate(access, "annual", tree["city"], "2024")
    text, located = draft.text_with_figures()
    clean = check_text(access=access, text=text, period=2024, unit=tree["city"])
    assert clean.counts["inconsistent"] == 0
    mapped = [c for c in clean.claims if c.verdict == Verdict.CONSISTENT]
    assert len(mapped) >= 10
    spans = {(loc.start, loc.end) for loc in located}
    assert all(
        (c.found.start, c.found.end) in spans for c in mapped
    )  # every checked figure is a generated one

    changed = [mapped[0], mapped[len(mapped) // 2], mapped[-1]]
    edited, new_spans, shift = text, [], 0
    for claim in changed:  # left to right; later offsets move by the length change
        wrong = _wrong(claim)
        start = claim.found.start + shift
        edited = edited[:start] + wrong + edited[start + len(claim.text) :]
        new_spans.append((start, start + len(wrong)))
        shift += len(wrong) - len(claim.text)

    checked = check_text(access=access, text=edited, period=2024, unit=tree["city"])
    flagged = [(c.found.start, c.found.end) for c in checked.claims if c.verdict == Verdict.INCONSISTENT]
    assert flagged == new_spans
    assert checked.counts["consistent"] == len(mapped) - 3
    for claim, original in zip(
        [c for c in checked.claims if c.verdict == Verdict.INCONSISTENT], changed, strict=True
    ):
        assert claim.value == original.value  # the computed value, shown next to the wrong figure
        assert claim.provenance == original.provenance


# --------------------------------------------------------------------------- scope


def test_a_county_user_checks_only_against_its_subtree(access_of, tree):
    for unit, n in (("county", 3), ("township", 2), ("county2", 5), ("other_city", 7)):
        for i in range(n):
            make_activity(tree[unit], f"活动{unit}{i}", dt.date(2024, 3, 1 + i))
    access = access_of("county_viewer")
    county_total = 3 + 2  # 怀宁县 with 高河镇
    text = f"全县举办科普活动{county_total}场次。另有{county_total + 5}场次科普活动。"
    result = check_text(access=access, text=text, period=2024)
    assert result.unit == tree["county"]
    assert [c.verdict for c in result.claims] == [Verdict.CONSISTENT, Verdict.INCONSISTENT]
    assert result.claims[1].value == county_total  # never the city's 10 or the other city's 7
    with pytest.raises(Http404):
        check_text(access=access, text=text, period=2024, unit=tree["city"])
    with pytest.raises(Http404):
        check_text(access=access_of("outsider"), text=text, period=2024, unit=tree["county"])


def test_the_page_refuses_a_unit_outside_the_scope(login, tree):
    make_activity(tree["city"], "市本级活动", dt.date(2024, 3, 1))
    response = login("county_viewer").post(
        reverse("reports:factcheck:check"),
        {"text": "全市举办科普活动1场次。", "unit": tree["city"].pk, "period": "2024"},
    )
    assert response.status_code == 400
    assert "所选单位不在您的范围内" in response.text
    assert response.context["result"] is None


# --------------------------------------------------------------------------- the page and .docx input


def test_the_page_highlights_each_figure_and_lists_it(login, tree):
    for i in range(3):
        make_activity(tree["county"], f"讲座{i}", dt.date(2024, 4, 1 + i), participants=100)
    response = login("county_filler").post(
        reverse("reports:factcheck:check"),
        {
            "text": "2024年，全县举办科普活动3场次，参与近400人次，注册会员1300多名。",
            "unit": tree["county"].pk,
            "period": "2024",
        },
    )
    assert response.status_code == 200
    html = response.text
    assert html.count('data-testid="claim"') == 3
    assert 'data-verdict="consistent"' in html
    assert 'data-verdict="inconsistent"' in html  # 近400 claims 380..399, the records say 300
    assert "上下文没有说明是哪类活动或组织的数字" in html
    (wrong,) = [c for c in response.context["result"].claims if c.verdict == Verdict.INCONSISTENT]
    assert wrong.computed == "300人次"
    assert f'href="{wrong.provenance}"'.replace("&", "&amp;") in html


def test_the_page_asks_for_text_and_a_valid_period(login):
    client = login("county_filler")
    assert client.get(reverse("reports:factcheck:check")).status_code == 200
    response = client.post(reverse("reports:factcheck:check"), {"text": " ", "period": "2024年度"})
    assert "请粘贴要核对的文字，或上传 .docx 文件。" in response.text
    assert "无法识别的期间" in response.text


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("reports:factcheck:check"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def _docx_bytes(paragraphs: list[str], rows: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_upload_is_read_paragraphs_and_tables(login, tree):
    for i in range(4):
        make_activity(tree["county"], f"展览{i}", dt.date(2024, 6, 1 + i), activity_type="exhibition")
    content = _docx_bytes(
        ["怀宁县科协2024年工作总结", "全年举办科普活动4场次，其中展览4场次。"],
        rows=[["项目", "数量"], ["举办展览", "9场次"]],
    )
    upload = SimpleUploadedFile("总结.docx", content)
    response = login("county_filler").post(
        reverse("reports:factcheck:check"), {"upload": upload, "unit": tree["county"].pk, "period": "2024"}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert [(re.sub(r"\s", "", c.text), c.verdict) for c in result.claims] == [
        ("4场次", Verdict.CONSISTENT),
        ("4场次", Verdict.CONSISTENT),
        ("9场次", Verdict.INCONSISTENT),
    ]
    assert result.claims[2].indicator.code == "popsci_exhibitions"


def test_read_docx_keeps_the_order_and_skips_repeated_merged_cells():
    content = _docx_bytes(["第一段"], rows=[["甲", "乙"], ["丙", "丁"]])
    document = docx.Document(io.BytesIO(content))
    document.tables[0].cell(0, 0).merge(document.tables[0].cell(0, 1))
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_docx(SimpleUploadedFile("a.docx", buffer.getvalue()))
    assert text.split("\n\n")[0] == "第一段"
    assert text.split("\n\n")[1].split("\n")[1] == "丙\t丁"
    assert text.count("甲") == 1


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("总结.docx", b"", "是空文件"),
        ("总结.docx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "不是有效的 Word 文档"),  # a renamed .doc
        (
            "总结.docx",
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}),
            "不是有效的 Word 文档",
        ),
        (
            "总结.docx",
            _zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<x/>", "word/vbaProject.bin": b"m"}),
            "含宏的文档不能上传",
        ),
        ("总结.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<broken"}), "已损坏"),
    ],
)
def test_read_docx_refuses_what_is_not_a_plain_docx(name, content, message):
    with pytest.raises(DomainError) as exc:
        read_docx(SimpleUploadedFile(name, content))
    assert message in exc.value.message


def test_read_docx_refuses_a_zip_bomb_and_an_oversized_file(monkeypatch):
    content = _docx_bytes(["正文"])
    monkeypatch.setattr(services, "MAX_DOCX_UNCOMPRESSED", 1000)
    with pytest.raises(DomainError, match="解压后体积异常巨大"):
        read_docx(SimpleUploadedFile("a.docx", content))
    monkeypatch.setattr(services, "MAX_DOCX_BYTES", 100)
    with pytest.raises(DomainError, match="过大"):
        read_docx(SimpleUploadedFile("a.docx", content))


@pytest.mark.parametrize(
    ("key", "period", "options"),
    [
        ("five_year", "2020..2024", {}),
        ("campaign", "2024", {}),
        ("campaign", "2024", {"campaign": "st_week"}),
    ],
)
def test_a_generated_five_year_review_and_campaign_summary_check_out(
    activities, access_of, tree, key, period, options
):
    access = access_of("city_admin")
    draft = generate(access, key, tree["city"], period, options=options)
    text, located = draft.text_with_figures()
    result = check_text(access=access, text=text, period=period, unit=tree["city"])
    assert result.counts["inconsistent"] == 0, [
        (c.text, c.indicator.code, c.computed) for c in result.claims if c.verdict == Verdict.INCONSISTENT
    ]
    consistent = [c for c in result.claims if c.verdict == Verdict.CONSISTENT]
    assert len(consistent) >= 5
    spans = {(loc.start, loc.end) for loc in located}
    assert all((c.found.start, c.found.end) in spans for c in consistent)


def test_a_table_figure_takes_its_subject_unit_and_period_from_the_row_and_column_headers(access_of, tree):
    for i in range(3):
        make_activity(tree["county"], f"讲座{i}", dt.date(2024, 4, 1 + i), participants=100)
    make_activity(tree["county2"], "桐城讲座", dt.date(2023, 4, 1), participants=50)
    content = _docx_bytes(
        ["安庆市科协工作总结", "表1  各单位科普活动情况"],
        rows=[
            ["单位", "科普活动（场次）", "科普活动参与人次", "备注"],
            ["怀宁县科学技术协会", "3", "300", "4"],
            ["桐城市科学技术协会", "5", "50", "—"],
        ],
    )
    text = read_docx(SimpleUploadedFile("总结.docx", content))
    result = check_text(access=access_of("city_admin"), text=text, period=2024, unit=tree["city"])
    by_cell = [
        (c.text, c.indicator.code if c.indicator else None, c.mapping.child, c.verdict) for c in result.claims
    ]
    assert by_cell == [
        ("3", "popsci_activities", tree["county"].pk, Verdict.CONSISTENT),
        ("300", "popsci_participants", tree["county"].pk, Verdict.CONSISTENT),
        ("4", None, None, Verdict.UNCHECKED),  # "备注" names nothing that is counted
        ("5", "popsci_activities", tree["county2"].pk, Verdict.INCONSISTENT),  # 桐城's one is in 2023
        ("50", "popsci_participants", tree["county2"].pk, Verdict.INCONSISTENT),
    ]
    year_table = "表2  历年情况\n年份\t科普活动（场次）\n2023年\t1\n2024年\t3"
    result = check_text(access=access_of("city_admin"), text=year_table, period=2024, unit=tree["city"])
    assert [(str(c.period), c.verdict) for c in result.claims] == [
        ("2023", Verdict.CONSISTENT),
        ("2024", Verdict.CONSISTENT),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        *(
            (f"2024年，全市开展{noun(code)}12场次。", code)
            for code in (
                "popsci_activities",
                "popsci_key_activities",
                "popsci_major_activities",
                "popsci_lectures",
                "popsci_exhibitions",
                "popsci_consultations",
                "popsci_trainings",
                "popsci_youth_activities",
                "science_day_month_activities",
                "st_week_activities",
                "academic_activities",
            )
        ),
        (f"2024年，全市共有{noun('org_units')}12个。", "org_units"),
        (f"2024年，{noun('org_units_founded')}12个。", "org_units_founded"),
        # nouns written after their subject, as the generator does
        (f"举办科普活动3场次，{noun('popsci_participants')}12人次。", "popsci_participants"),
        (f"举办科普活动3场次，{noun('popsci_online_views')}12次。", "popsci_online_views"),
        (f"{noun('popsci_key_activities')}3场次，占全部科普活动的12%。", "popsci_key_share"),
        (f"共有12个{noun('popsci_organisers')}举办了科普活动。", "popsci_organisers"),
        (f"举办学术交流活动3场次，{noun('academic_participants')}12人次。", "academic_participants"),
        (f"全年各类活动中，{noun('sci_worker_participation')}12人次。", "sci_worker_participation"),
        (f"全年各类活动中，{noun('volunteer_participation')}12人次。", "volunteer_participation"),
    ],
)
def test_the_generators_nouns_read_back_to_their_indicators(text, code):
    figure = next(f.text for f in services.read_figures(text)[0] if f.text.startswith("12"))
    m = _map(text, figure)
    assert m.indicator == code, m.reason


@pytest.mark.parametrize(
    "text",
    [
        "举办第33届科普宣传周。",
        "第十一次中国公民科学素质调查。",
        "发布时间：2024-05-01 10:30",
        "详见 http://www.kxj.gov.cn/news/2024/123.html",
        "表1  各单位情况",
        "锚定“三地一区”战略定位，建设“十个区域性强市”。",
        "深入实施基层科协组织力“3+1”试点。",
        "五年来，市科协坚持党建引领。",
        "电话：0556-5512345，邮编：246000",
    ],
)
def test_names_page_chrome_and_slogans_are_not_figures_to_check(text):
    assert services.read_figures(text)[0] == []


@pytest.mark.parametrize(
    ("text", "figure", "default", "period", "reason"),
    [
        ("五年来，累计举办科普活动300场次。", "300场次", Period.span(2019, 2023), "2019..2023", ""),
        ("今年9月举办论坛；先后举办科普活动300场次。", "300场次", Period.span(2019, 2023), "2019..2023", ""),
        ("2021年以来，累计举办科普活动300场次。", "300场次", Period.year(2024), "2021..2024", ""),
        ("2023年，全市累计举办科普活动300场次。", "300场次", Period.year(2024), "2023", ""),
        (
            "今年9月举办论坛；先后举办科普活动300场次。",
            "300场次",
            Period.year(2024),
            "None",
            "“先后”表示多年累计",
        ),
        ("历年累计成立企业科协96家。", "96家", Period.year(2024), "2024", ""),  # a stock: at the period's end
    ],
)
def test_cumulative_figures_are_checked_over_the_span_or_from_a_stated_start(
    text, figure, default, period, reason
):
    m = _map(text, figure, default=default)
    assert str(m.period) == period, m.reason
    assert reason in m.reason


def test_org_counts_are_the_units_of_a_type_at_the_end_and_those_founded_within(access_of, tree):
    from kexie.orgs.models import OrgType
    from tests.factories import make_unit

    make_unit(tree["city"], "340800-E01", "安庆石化科协", OrgType.ENTERPRISE)
    founded = make_unit(tree["city"], "340800-E02", "安庆电厂科协", OrgType.ENTERPRISE)
    founded.active_from = dt.date(2024, 3, 1)
    founded.save()
    text = "全市共有企业科协2家、乡镇科协1个，2024年新成立企业科协1家，学会3个。"
    result = check_text(access=access_of("city_admin"), text=text, period=2024, unit=tree["city"])
    assert [(c.text, c.indicator.code, c.mapping.key, c.verdict) for c in result.claims] == [
        ("2家", "org_units", "enterprise", Verdict.CONSISTENT),
        ("1个", "org_units", "township", Verdict.CONSISTENT),
        ("1家", "org_units_founded", "enterprise", Verdict.CONSISTENT),
        ("3个", "org_units", "society", Verdict.INCONSISTENT),  # one 学会: 安庆市医学会
    ]
    assert result.claims[3].value == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the list's 新认定 holds for every item after "、"
        (
            "2024年，全市新认定科普教育基地4个、院士专家工作站1个。",
            ["reg_popsci_base_new", "reg_academician_station_new"],
        ),
        # no qualifier in the lead: stocks
        (
            "截至2024年末，全市共有科普教育基地3个、院士专家工作站2个。",
            ["reg_popsci_base", "reg_academician_station"],
        ),
        # 重点 leads the list; no indicator counts 重点 讲座: the second figure is left unchecked, not guessed
        ("2024年举办重点科普活动5场次、讲座3场次。", ["popsci_key_activities", None]),
    ],
)
def test_a_qualifier_leading_a_list_holds_for_every_item(db, text, expected):
    from kexie.reports.factcheck.services import map_text

    claims = map_text(text=text, period=2024)
    assert [c.indicator.code if c.indicator else None for c in claims if c.found.kind == "count"] == expected


def test_the_activity_line_figures_of_a_generated_report_check_out_and_changed_ones_are_flagged(
    tree, access_of
):
    from kexie.activities import facts
    from kexie.reports.catalogue import REACH

    day = dt.date(2024, 6, 3)
    make_activity(
        tree["county"], "科普讲座进社区", day, participants=300, beneficiaries=180, materials_copies=2000
    )
    make_activity(
        tree["county"], "科技志愿服务", day, activity_type="volunteer", participants=90, beneficiaries=70
    )
    make_activity(tree["county2"], "青少年科技竞赛", day, activity_type="contest", participants=400)
    make_activity(tree["county2"], "科普大篷车进乡村", day, activity_type="caravan", participants=500)
    make_activity(tree["county"], "流动科技馆巡展", day, activity_type="mobile_museum", participants=800)
    make_activity(
        tree["county"],
        "农技培训",
        day,
        activity_type="training",
        participants=120,
        target_groups=("farmers",),
    )
    facts.rebuild()  # written straight to the database, past the services that keep the facts
    access = access_of("city_admin")
    draft = generate(access, "annual", tree["city"], "2024")
    text, _ = draft.text_with_figures()
    assert "受益群众与特色活动" in text
    result = check_text(access=access, text=text, period=2024, unit=tree["city"])
    assert result.counts["inconsistent"] == 0, [
        (c.text, c.indicator.code, c.computed) for c in result.claims if c.verdict == Verdict.INCONSISTENT
    ]
    reach = [c for c in result.claims if c.verdict == Verdict.CONSISTENT and c.indicator.code in REACH]
    assert {c.indicator.code for c in reach} == set(REACH)

    changed, edited, shift, spans = reach[:3], text, 0, []
    for claim in changed:
        wrong = _wrong(claim)
        start = claim.found.start + shift
        edited = edited[:start] + wrong + edited[start + len(claim.text) :]
        spans.append((start, start + len(wrong)))
        shift += len(wrong) - len(claim.text)
    checked = check_text(access=access, text=edited, period=2024, unit=tree["city"])
    assert [
        (c.found.start, c.found.end) for c in checked.claims if c.verdict == Verdict.INCONSISTENT
    ] == spans
