"""Honours on the record layer (kexie.records): 获奖/入选 (awards), 评选/推荐轮次 (rounds) and 推荐人选
(nominations). Pages, import, export, history, attachments and the lifecycle panel are derived from
these declarations; every rule is in services.py, every read in selectors.py.

The list filters are the parameters of the engine's provenance links (indicators/catalogue.py,
"honours" block): awards — unit, own, period (授予日期 within), programme, level (one or several),
tier, kind, association (科协表彰); nominations — unit, own, period (公示/上报 within), year,
programme, level, state (one or several), round.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Q
from django.utils.html import format_html

from kexie.honours import selectors, services
from kexie.honours.models import Award, Level, Nomination, RecipientKind, Round, State, Tier
from kexie.records.declarations import (
    AttachmentSlot,
    Declaration,
    Field,
    Filter,
    ListColumn,
    ListTotal,
    Texts,
    register,
)


def _pick(cls, values: dict):
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


def _programme_options(access):
    return [(p.code, p.name) for p in selectors.programme_list(access=access, include_inactive=True)]


def _programmes(access):
    return selectors.programme_list(access=access)


def _badge(obj):
    return format_html(
        '<span class="badge bg-{}-lt">{}</span>', obj.state_tone or "secondary", obj.get_state_display()
    )


# ---------------------------------------------------------------------------- awards


def _awarded_within(period) -> Q:
    return Q(awarded_on__gte=period.start, awarded_on__lte=period.end)


def _award_context(*, access, record):
    return {"recipients": selectors.award_recipients(award=record), "nomination": record.nomination}


AWARDS = register(
    Declaration(
        key="honour_awards",
        model=Award,
        label="获奖/入选",
        namespace="honours",
        section="服务科技工作者",
        fields=(
            Field("org_unit", aliases=("管理单位", "推荐单位", "所属单位"), example="340822"),
            Field(
                "programme",
                options=_programmes,
                aliases=("荣誉", "奖项", "荣誉名称", "奖项名称"),
                example="最美科技工作者",
            ),
            Field("level", aliases=("荣誉级别", "奖项级别"), example="市级"),
            Field("tier", aliases=("奖励等级", "获奖等次", "等级")),
            Field("year", aliases=("获奖年度", "年份"), example="2023"),
            Field("awarded_on", aliases=("获奖日期", "表彰日期", "发文日期"), example="2023-05-30"),
            Field("kind", aliases=("个人/团队", "类型"), example="个人"),
            Field(
                "recipient_name", aliases=("获奖人", "姓名", "获奖者", "团队名称"), example="张三", width=20
            ),
            Field(
                "recipient_id",
                aliases=("身份证号", "身份证号码", "证件号"),
                help="用于识别同一个人；只保存遮蔽后的号码（如 3408**********123X），完整号码不保存",
                sensitive=True,
            ),
            Field(
                "recipient_employer",
                aliases=("单位", "工作单位（获奖时）"),
                example="安庆市第一人民医院",
                width=24,
            ),
            Field("team_members", aliases=("成员",), wide=True),
            Field("issuer", aliases=("颁发单位", "表彰单位", "授予机关")),
            Field("document_no", aliases=("表彰文号", "文件号", "发文字号"), example="宜科协发〔2023〕15号"),
            Field("note", aliases=("说明",)),
        ),
        filters=(
            Filter(
                "q",
                "关键词",
                "text",
                lookups=("recipient_name", "recipient_employer", "team_members", "document_no"),
                placeholder="姓名、单位或文号",
            ),
            Filter(
                "programme",
                "荣誉项目",
                "choice",
                lookup="programme__code",
                options=_programme_options,
                many=True,
            ),
            Filter("level", "级别", "choice", lookup="level", choices=Level.choices, many=True),
            Filter("tier", "等次", "choice", lookup="tier", choices=Tier.choices),
            Filter("kind", "获奖对象", "choice", lookup="kind", choices=RecipientKind.choices),
            Filter(
                "association",
                "科协表彰",
                "flag",
                lookup="programme__by_association",
                choices=(("1", "是"), ("0", "否")),
            ),
            Filter("period", "授予期间", "period", q=_awarded_within, placeholder="如 2024、十四五"),
            Filter("unit", "管理单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("获奖人/团队", field="recipient_name", link=True),
            ListColumn("荣誉", render=lambda a: a.programme.name),
            ListColumn("级别", field="level"),
            ListColumn("等次", field="tier", css="d-none d-md-table-cell"),
            ListColumn("年度", field="year"),
            ListColumn("工作单位", field="recipient_employer", css="d-none d-lg-table-cell"),
            ListColumn("文号", field="document_no", css="d-none d-lg-table-cell"),
            ListColumn("管理单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里登记本单位及下级科技工作者个人和团队获得的荣誉（最美科技工作者、创新争先奖、青年科技奖等）："
            "本级评选的结果由“评选与推荐”自动生成，上级授予的凭表彰文件直接录入。单位获得的荣誉（如优秀组织单位）请登记在“荣誉与排名”。",
            create="录入获奖/入选",
            empty_can_enter="还没有登记获奖或入选记录",
            empty_hint_can_enter="点击“录入获奖/入选”按表彰文件逐条录入，或用“批量导入”导入现有的获奖名单；本级评选的结果会自动出现在这里。",
            empty="本单位及下级还没有获奖或入选记录",
            empty_hint="由各单位的填报员录入；评选结果公布后也会自动出现在这里。",
            form_hint="个人获奖填写姓名和证件号码（用于识别同一个人，只保存遮蔽后的号码）；团队获奖把获奖对象选为“团队”，并填写团队名称和成员。",
            noun="获奖记录",
        ),
        create=lambda *, access, actor, values: services.award_create(
            access=access, actor=actor, data=_pick(services.AwardData, values)
        ),
        update=lambda *, access, actor, record, values: services.award_update(
            access=access, actor=actor, award=record, data=_pick(services.AwardData, values)
        ),
        delete=lambda *, access, actor, record: services.award_delete(
            access=access, actor=actor, award=record
        ),
        validate=lambda *, access, values: services.validate_award_data(_pick(services.AwardData, values)),
        get=selectors.award_get,
        list_queryset=selectors.award_list,
        title=str,
        natural_key=("programme", "level", "year", "recipient_name"),
        attachments=(
            AttachmentSlot("document", "表彰文件", kinds=("pdf", "docx", "jpeg", "png")),
            AttachmentSlot("certificate", "证书照片", kinds=("jpeg", "png", "webp", "pdf")),
        ),
        totals=(ListTotal("honour_awards", "获奖/入选"), ListTotal("honour_persons", "表彰人数")),
        detail_extra="honours/_award_extra.html",
        detail_context=_award_context,
        ordering=("-awarded_on", "-pk"),
        import_description="按现有的获奖名单批量录入上级或本级授予的荣誉（全部通过才写入）。"
        "荣誉项目、级别、年度和获奖人相同的行会更新已有记录；证件号码只用于识别同一个人，不保存完整号码。",
    )
)


# ---------------------------------------------------------------------------- rounds


def _round_year(period) -> Q:
    return Q(year__gte=period.start.year, year__lte=period.end.year)


def _round_context(*, access, record):
    nominations = list(selectors.round_nominations(access=access, round_=record))
    quota = record.effective_quota
    taken = sum(1 for n in nominations if n.state in ("shortlisted", "publicised", "selected"))
    return {
        "nominations": nominations,
        "quota": quota,
        "taken": taken,
        "upward": services.is_upward(record),
    }


ROUNDS = register(
    Declaration(
        key="honour_rounds",
        model=Round,
        label="评选与推荐",
        namespace="honour_rounds",
        section="服务科技工作者",
        fields=(
            Field("org_unit", label="组织单位", aliases=("组织单位",), example="340800"),
            Field("programme", options=_programmes, aliases=("荣誉", "奖项"), example="最美科技工作者"),
            Field("level", aliases=("评选级别",), example="市级"),
            Field("year", aliases=("年份",), example="2024"),
            Field(
                "title", required=False, help="留空自动生成，如“2024年度安庆市最美科技工作者评选”", width=30
            ),
            Field("notice_no", aliases=("文号",), example="宜科协发〔2024〕5号"),
            Field("notice_date", aliases=("发文日期",)),
            Field("deadline"),
            Field("quota", help="留空按项目规定；不限名额的项目留空即可"),
            Field("publicity_from"),
            Field("publicity_to"),
            Field("note"),
        ),
        filters=(
            Filter("q", "关键词", "text", lookups=("title", "notice_no"), placeholder="名称或文号"),
            Filter(
                "programme",
                "荣誉项目",
                "choice",
                lookup="programme__code",
                options=_programme_options,
                many=True,
            ),
            Filter("level", "级别", "choice", lookup="level", choices=Level.choices, many=True),
            Filter("period", "年度", "period", q=_round_year, placeholder="如 2024", period_kinds=("year",)),
            Filter("unit", "组织单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("轮次", field="title", link=True),
            ListColumn("荣誉", render=lambda r: r.programme.name),
            ListColumn("级别", field="level"),
            ListColumn("年度", field="year"),
            ListColumn("名额", render=lambda r: r.effective_quota or "不限", css="d-none d-md-table-cell"),
            ListColumn("推荐人选", render=lambda r: getattr(r, "n_nominations", "")),
            ListColumn("组织单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="一轮评选或推荐从发布通知开始：本级评选（如全市最美科技工作者）由本单位评审、公示并公布结果；"
            "向上推荐（如省青年科技奖）由本单位审查、评审、公示后上报，上级公布结果后登记入选或未入选。下级单位在“推荐人选”中推荐。",
            create="发布评选/推荐通知",
            empty_can_enter="还没有评选或推荐轮次",
            empty_hint_can_enter="点击“发布评选/推荐通知”，选择荣誉项目、级别和年度，填写通知文号、截止日期和名额；下级单位随后即可推荐人选。",
            empty="本单位还没有组织评选或推荐",
            empty_hint="由本单位的管理员或填报员发布通知后显示在这里。",
            form_hint="级别与本单位相同为本级评选；高于本单位为向上推荐（结果由上级公布）。名额留空按项目规定。",
            noun="轮次",
        ),
        create=lambda *, access, actor, values: services.round_create(
            access=access, actor=actor, data=_pick(services.RoundData, values)
        ),
        update=lambda *, access, actor, record, values: services.round_update(
            access=access, actor=actor, round_=record, data=_pick(services.RoundData, values)
        ),
        delete=lambda *, access, actor, record: services.round_delete(
            access=access, actor=actor, round_=record
        ),
        validate=lambda *, access, values: services.validate_round_data(_pick(services.RoundData, values)),
        get=selectors.round_get,
        list_queryset=selectors.round_list,
        title=str,
        natural_key=("org_unit", "programme", "level", "year"),
        attachments=(
            AttachmentSlot("notice", "通知文件", kinds=("pdf", "docx")),
            AttachmentSlot("result", "结果文件", kinds=("pdf", "docx", "jpeg", "png")),
        ),
        detail_extra="honours/_round_extra.html",
        detail_context=_round_context,
        ordering=("-year", "-pk"),
        import_description="批量登记评选/推荐轮次；组织单位、荣誉项目、级别和年度相同的行会更新已有轮次。",
    )
)


# ---------------------------------------------------------------------------- nominations


def _round_options(access):
    return selectors.rounds_for(access=access)


def _round_filter_options(access):
    """Rounds the unit may nominate in and rounds organised in its subtree (a province sees its cities')."""
    open_ids = selectors.rounds_for(access=access).values("pk")
    mine = selectors.round_list(access=access).values("pk")
    rounds = Round.objects.filter(Q(pk__in=open_ids) | Q(pk__in=mine)).order_by("-year", "-pk")[:300]
    return [(r.pk, r.title) for r in rounds]


def _forwarded_within(period) -> Q:
    return Q(forwarded_on__gte=period.start, forwarded_on__lte=period.end)


def _year_q(period) -> Q:
    return Q(round__year__gte=period.start.year, round__year__lte=period.end.year)


def _nomination_context(*, access, record):
    award = getattr(record, "award", None) if record.state == State.SELECTED else None
    return {"award": award, "upward": services.is_upward(record.round), "members": list(record.members.all())}


NOMINATIONS = register(
    Declaration(
        key="honour_nominations",
        model=Nomination,
        label="推荐人选",
        namespace="nominations",
        section="服务科技工作者",
        fields=(
            Field(
                "round",
                options=_round_options,
                match="title",
                aliases=("评选轮次", "推荐轮次"),
                example="2024年度安庆市最美科技工作者评选",
                width=30,
            ),
            Field("org_unit", aliases=("推荐单位",), example="340822"),
            Field("kind", aliases=("个人/团队",), example="个人"),
            Field("nominee_name", aliases=("姓名", "候选人", "团队名称"), example="张三"),
            Field(
                "nominee_id",
                aliases=("身份证号", "身份证号码"),
                help="用于识别同一个人和查重；只保存遮蔽后的号码，完整号码不保存",
                sensitive=True,
            ),
            Field("nominee_employer", aliases=("单位",), example="怀宁县人民医院", width=24),
            Field("nominee_title", aliases=("职称", "职务"), example="主任医师"),
            Field("team_members", aliases=("成员",), wide=True),
            Field("category", aliases=("类别", "推荐类型"), placeholder="如 科研、科普、技术推广"),
            Field("summary", aliases=("事迹", "主要事迹简介")),
            Field("note", aliases=("说明",)),
            Field("state", form=False, columns=False),
            Field("tier", form=False, columns=False),
            Field("recommended_on", form=False, columns=False),
            Field("forwarded_on", form=False, columns=False),
            Field("decided_on", form=False, columns=False),
            Field("document_no", form=False, columns=False),
        ),
        filters=(
            Filter(
                "q",
                "关键词",
                "text",
                lookups=("nominee_name", "nominee_employer", "team_members"),
                placeholder="姓名或单位",
            ),
            Filter("round", "轮次", "choice", lookup="round_id", options=_round_filter_options),
            Filter(
                "programme",
                "荣誉项目",
                "choice",
                lookup="round__programme__code",
                options=_programme_options,
                many=True,
            ),
            Filter("level", "级别", "choice", lookup="round__level", choices=Level.choices, many=True),
            Filter("state", "状态", "choice", lookup="state", choices=State.choices, many=True),
            Filter(
                "association",
                "科协荣誉",
                "flag",
                lookup="round__programme__by_association",
                choices=(("1", "是"), ("0", "否")),
                hidden=True,
            ),
            Filter("year", "年度", "period", q=_year_q, placeholder="如 2024", period_kinds=("year",)),
            Filter("period", "公示/上报期间", "period", q=_forwarded_within, placeholder="如 2024、十四五"),
            Filter("unit", "推荐单位", "unit"),
            Filter("own", "只看本级", "own"),
        ),
        columns=(
            ListColumn("候选人/团队", field="nominee_name", link=True),
            ListColumn("轮次", render=lambda n: n.round.title),
            ListColumn("状态", render=_badge),
            ListColumn("工作单位", field="nominee_employer", css="d-none d-md-table-cell"),
            ListColumn("推荐单位", field="org_unit", css="d-none d-lg-table-cell"),
        ),
        texts=Texts(
            intro="这里是本单位及下级推荐的人选：在上级或本单位发布的轮次中登记人选，上传推荐表和事迹材料，"
            "点“单位推荐”报送；资格审查、评审、公示和结果都在人选页上办理，退回的补充后重新推荐。",
            create="登记推荐人选",
            empty_can_enter="还没有推荐人选",
            empty_hint_can_enter="点击“登记推荐人选”，选择轮次（由本单位或上级发布通知），填写候选人或团队，再在人选页上点“单位推荐”。",
            empty="本单位及下级还没有推荐人选",
            empty_hint="由各推荐单位的填报员登记；登记后会显示在这里。",
            form_hint="个人推荐填写姓名和证件号码（只用于识别同一个人，保存遮蔽后的号码）；团队推荐选“团队”，填写团队名称和成员。",
            noun="推荐人选",
        ),
        create=lambda *, access, actor, values: services.nomination_create(
            access=access, actor=actor, data=_pick(services.NominationData, values)
        ),
        update=lambda *, access, actor, record, values: services.nomination_update(
            access=access, actor=actor, nomination=record, data=_pick(services.NominationData, values)
        ),
        delete=lambda *, access, actor, record: services.nomination_delete(
            access=access, actor=actor, nomination=record
        ),
        validate=lambda *, access, values: services.validate_nomination_data(
            _pick(services.NominationData, values)
        ),
        get=selectors.nomination_get,
        list_queryset=selectors.nomination_list,
        title=str,
        natural_key=("round", "nominee_name"),
        attachments=(
            AttachmentSlot("form", "推荐表", kinds=("pdf", "docx")),
            AttachmentSlot("materials", "事迹材料", kinds=("pdf", "docx", "jpeg", "png")),
        ),
        workflow="nomination",
        detail_extra="honours/_nomination_extra.html",
        detail_context=_nomination_context,
        ordering=("-pk",),
        import_description="按推荐汇总表批量登记推荐人选（填报中），再逐个“单位推荐”；轮次和姓名相同的行会更新已有人选。",
    )
)
