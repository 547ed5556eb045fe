"""赛事 (contest editions) and 参赛作品 (entries) on the record layer (kexie.records): pages, import of a
contest results sheet, export and history are derived from these declarations; every rule is in
services.py, every read in selectors.py.

The entry list reads the parameters of the engine's provenance links (indicators/catalogue.py):
unit, own, period (赛事举办日期 within), level, prize (comma-separated), stage, edition.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from kexie.contests import selectors, services
from kexie.contests.models import LEVEL_ORDER, Edition, Entry, Level, Prize, Stage
from kexie.records.declarations import Declaration, Field, Filter, ListColumn, ListTotal, Texts, register

# --------------------------------------------------------------------------- editions

_EDITION_FIELDS = {f.name for f in dataclasses.fields(services.EditionData)}


def _edition_data(values: dict) -> services.EditionData:
    return services.EditionData(**{k: v for k, v in values.items() if k in _EDITION_FIELDS})


def _edition_context(*, access, record):
    return {
        "summary": selectors.edition_summary(access=access, edition=record),
        "schools": selectors.edition_schools(access=access, edition=record),
        "entries_url": reverse("contests:list") + f"?edition={record.pk}",
        "can_enter": access.covers(record.org_unit, "enter") or access.can("enter"),
    }


EDITIONS = register(
    Declaration(
        key="contest_editions",
        model=Edition,
        label="赛事",
        namespace="contest_editions",
        section="青少年科技教育",
        fields=(
            Field("org_unit", aliases=("登记单位", "单位"), example="340800"),
            Field(
                "name", aliases=("赛事", "大赛名称"), example="第三十八届安庆市青少年科技创新大赛", width=36
            ),
            Field("session", aliases=("届",), example="38"),
            Field("level", aliases=("赛事级别",), example="市级"),
            Field("held_on", aliases=("比赛日期", "终评日期"), example="2023-05-20"),
            Field(
                "organiser",
                help="留空即登记单位；省赛、全国赛填写主办单位，如“安徽省科协”",
                example="安庆市科协",
            ),
            Field("note", aliases=("说明",)),
        ),
        filters=(
            Filter("q", "关键词", "text", lookups=("name", "organiser"), placeholder="赛事名称或主办单位"),
            Filter("level", "级别", "choice", lookup="level", choices=Level.choices),
            Filter("period", "举办期间", "period", q=selectors.edition_held_within),
            Filter("unit", "登记单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("赛事", field="name", link=True),
            ListColumn("级别", field="level"),
            ListColumn("举办日期", render=lambda e: f"{e.held_on:%Y-%m-%d}", css="text-nowrap"),
            ListColumn("主办单位", field="organiser", css="d-none d-md-table-cell"),
            ListColumn("作品", render=lambda e: e.entries.count(), css="text-end"),
            ListColumn("登记单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里登记青少年科技创新大赛等赛事的每一届（县、市、省、国家级）；本级举办的由本单位登记，"
            "学生参加的省赛、全国赛也登记在这里，再把作品和获奖结果登记到对应的赛事下。",
            create="登记赛事",
            empty_can_enter="还没有登记任何赛事",
            empty_hint_can_enter="点击“登记赛事”，填写赛事名称、级别和举办日期；然后在“参赛作品”中登记作品或导入成绩表。",
            empty="本单位及下级还没有登记赛事",
            empty_hint="由各单位的填报员登记；登记后会显示在这里。",
            form_hint="举办日期填终评或颁奖的日期，统计按这一天计入年度；“优秀组织单位”等荣誉请登记在“荣誉与排名”中。",
            noun="赛事",
        ),
        create=lambda *, access, actor, values: services.edition_create(
            access=access, actor=actor, data=_edition_data(values)
        ),
        update=lambda *, access, actor, record, values: services.edition_update(
            access=access, actor=actor, edition=record, data=_edition_data(values)
        ),
        delete=lambda *, access, actor, record: services.edition_delete(
            access=access, actor=actor, edition=record
        ),
        validate=lambda *, access, values: services.validate_edition_data(_edition_data(values)),
        get=selectors.edition_get,
        list_queryset=selectors.edition_list,
        title=lambda e: e.name,
        natural_key=("org_unit", "name"),
        detail_extra="contests/_edition_extra.html",
        detail_context=_edition_context,
        ordering=("-held_on", "-pk"),
        import_description="批量登记赛事；登记单位和赛事名称相同的行会更新已有记录。",
    )
)


# --------------------------------------------------------------------------- entries

_ENTRY_FIELDS = {f.name for f in dataclasses.fields(services.EntryData)}


def _entry_data(values: dict) -> services.EntryData:
    return services.EntryData(**{k: v for k, v in values.items() if k in _ENTRY_FIELDS})


def _prize(entry: Entry):
    if not entry.prize:
        return format_html('<span class="text-secondary">{}</span>', "—")
    return format_html('<span class="badge bg-green-lt">{}</span>', entry.get_prize_display())


def _level_badge(entry: Entry):
    return format_html('<span class="badge bg-blue-lt">{}</span>', entry.edition.get_level_display())


def _entry_context(*, access, record):
    rank = LEVEL_ORDER.index(record.edition.level)
    can_enter = access.covers(record.org_unit, "enter")
    targets = []
    if can_enter and not record.advanced_to.exists():
        targets = sorted(  # the next level's rounds first, the nearest date first
            (
                e
                for e in selectors.edition_options(access).filter(held_on__gte=record.edition.held_on)
                if LEVEL_ORDER.index(e.level) > rank
            ),
            key=lambda e: (LEVEL_ORDER.index(e.level), e.held_on, e.pk),
        )
    return {
        "trail": selectors.entry_trail(record),
        "members": record.members.select_related("person").order_by("order"),
        "can_enter": can_enter,
        "targets": targets,
        "prizes": Prize.choices,
    }


def _entry_validate(*, access, values):
    """The services' checks; a row naming an existing entry (its natural key) is checked as its update."""
    data = _entry_data(values)
    existing = None
    if data.edition is not None:
        existing = (
            selectors.entry_list(access=access, action="enter")
            .filter(
                edition=data.edition,
                title=str(data.title or "").strip(),
                school=str(data.school or "").strip(),
            )
            .first()
        )
    services.validate_entry_data(access, data, entry=existing)


def _awarded(value) -> Q:
    return ~Q(prize="") if value else Q(prize="")


ENTRIES = register(
    Declaration(
        key="contest_entries",
        model=Entry,
        label="参赛作品",
        namespace="contests",
        section="青少年科技教育",
        fields=(
            Field(
                "edition",
                options=selectors.edition_options,
                aliases=("赛事名称", "大赛", "比赛"),
                example="第三十八届安庆市青少年科技创新大赛",
                width=34,
            ),
            Field("org_unit", aliases=("报送单位", "推荐单位"), example="340822"),
            Field("students", aliases=("姓名", "学生", "作者", "参赛学生"), example="张明、李华", width=16),
            Field("school", aliases=("学校名称", "所在学校"), example="怀宁县实验中学", width=24),
            Field("school_stage", aliases=("学段", "组别"), example="初中"),
            Field("title", aliases=("作品名称", "项目名称", "作品"), example="校园雨水回收装置", width=30),
            Field("tutor_name", aliases=("辅导教师", "指导教师", "辅导老师"), example="王老师"),
            Field("field", aliases=("学科", "领域", "学科分类"), example="工程学"),
            Field("prize", aliases=("奖项", "获奖等次", "获奖情况", "奖次"), example="一等奖"),
            Field("note", aliases=("说明",)),
            Field("advanced_from", form=False, columns=False),
        ),
        filters=(
            Filter(
                "q",
                "关键词",
                "text",
                lookups=("title", "students", "school", "tutor_name"),
                placeholder="作品、学生、学校或辅导教师",
            ),
            Filter(
                "edition",
                "赛事",
                "model",
                lookup="edition",
                options=lambda access: [(e.pk, str(e)) for e in selectors.edition_options(access)],
            ),
            Filter("level", "赛事级别", "choice", lookup="edition__level", choices=Level.choices, many=True),
            Filter("prize", "奖项", "choice", lookup="prize", choices=Prize.choices, many=True),
            Filter(
                "awarded",
                "是否获奖",
                "flag",
                choices=(("1", "获奖"), ("0", "未获奖")),
                q=lambda v: _awarded(v == "1"),
            ),
            Filter("stage", "学段", "choice", lookup="school_stage", choices=Stage.choices),
            Filter("period", "举办期间", "period", q=selectors.held_within, placeholder="如 2023、十四五"),
            Filter("unit", "报送单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("作品名称", field="title", link=True),
            ListColumn("学生", field="students"),
            ListColumn("学校", field="school", css="d-none d-md-table-cell"),
            ListColumn("赛事", render=lambda e: e.edition.name, css="d-none d-md-table-cell"),
            ListColumn("级别", render=_level_badge),
            ListColumn("奖项", render=_prize),
            ListColumn("报送单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里登记学生参赛作品（个人或不超过3人的团队）和获奖结果；作品晋级上一级赛事时在作品页上办理“晋级”，"
            "晋级链和各级获奖都留在记录里，统计中的参赛学生、参与学校和获奖项数由这里计算。",
            create="登记参赛作品",
            empty_can_enter="还没有登记任何参赛作品",
            empty_hint_can_enter="先在“赛事”中登记本届赛事，再点击“登记参赛作品”逐项登记，或用“批量导入”导入成绩表"
            "（姓名、学校、学段、作品名称、辅导教师、奖项，另加一列赛事名称）。",
            empty="本单位及下级还没有登记参赛作品",
            empty_hint="由各单位的填报员登记；登记后会显示在这里。",
            form_hint="团队作品的学生姓名用顿号分隔，最多3人，须为同一学段；每名学生每届只能报一项作品。",
            noun="参赛作品",
        ),
        create=lambda *, access, actor, values: services.entry_create(
            access=access, actor=actor, data=_entry_data(values)
        ),
        update=lambda *, access, actor, record, values: services.entry_update(
            access=access, actor=actor, entry=record, data=_entry_data(values)
        ),
        delete=lambda *, access, actor, record: services.entry_delete(
            access=access, actor=actor, entry=record
        ),
        validate=_entry_validate,
        get=selectors.entry_get,
        list_queryset=selectors.entry_list,
        title=lambda e: e.title,
        natural_key=("edition", "title", "school"),
        totals=(
            ListTotal("contest_entries", "参赛作品"),
            ListTotal("contest_awards", "获奖作品"),
        ),
        detail_extra="contests/_entry_extra.html",
        detail_context=_entry_context,
        ordering=("-edition__held_on", "-pk"),
        import_description="导入竞赛成绩表（全部通过才写入）：每行一项作品，团队作品的姓名用顿号分隔。"
        "赛事、作品名称和学校相同的行会更新已有记录（如补录奖项），不会重复登记。",
    )
)
