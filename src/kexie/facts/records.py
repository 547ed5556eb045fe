"""荣誉与排名 as a record type of the record layer: its pages, import and export are derived from
this one declaration (kexie.records); every rule stays in services.py, every read in selectors.py."""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kexie.facts import selectors, services
from kexie.facts.models import Fact
from kexie.records.declarations import Declaration, Field, Filter, InlineFile, ListColumn, Texts, register

_DATA_FIELDS = {f.name for f in dataclasses.fields(services.FactData)}


def _data(values: dict) -> services.FactData:
    return services.FactData(**{k: v for k, v in values.items() if k in _DATA_FIELDS})


def _create(*, access, actor, values):
    return services.fact_create(access=access, actor=actor, data=_data(values))


def _update(*, access, actor, record, values):
    return services.fact_update(access=access, actor=actor, fact=record, data=_data(values))


def _delete(*, access, actor, record):
    services.fact_delete(access=access, actor=actor, fact=record)


def _validate(*, access, values):
    services.validate_fact_data(_data(values))


def _statement(fact: Fact):
    if fact.rank:
        return format_html('{} <span class="badge bg-purple-lt">第{}名</span>', fact.statement, fact.rank)
    return fact.statement


def _source_file(fact: Fact):
    if fact.source_file:
        return format_html('<a href="{}">下载</a>', reverse("facts:source", args=[fact.pk]))
    return mark_safe('<span class="text-secondary">未上传</span>')


FACTS = Declaration(
    key="facts",
    model=Fact,
    label="荣誉与排名",
    namespace="facts",
    section="统计报表",
    fields=(
        Field("org_unit", aliases=("单位", "单位代码", "所属单位机构代码"), example="340822"),
        Field("kind", aliases=("类型", "事实类别"), example="荣誉"),
        Field(
            "statement",
            wide=True,
            placeholder="如：全国科普日优秀组织单位",
            help="按来源文件的原话填写，报告中照此引用",
            aliases=("荣誉名称", "事实表述", "内容"),
            example="全国科普日优秀组织单位",
            width=40,
        ),
        Field("issuer", aliases=("授予单位", "发布单位", "颁发单位"), example="中国科协"),
        Field("level", aliases=("荣誉级别",), example="国家级"),
        Field("year", required=False, example="2023"),
        Field("date", aliases=("授予日期", "发布日期"), example="2023-09-30"),
        Field("rank", help="仅排名填写：第9名填 9", aliases=("排名",)),
        Field(
            "source",
            wide=True,
            placeholder="文件名称、文号或报道出处",
            aliases=("来源文件", "文号", "出处"),
            example="科协办函普字〔2023〕88号",
            width=30,
        ),
        Field("note", aliases=("说明",)),
    ),
    filters=(
        Filter(
            "q",
            "关键词",
            "text",
            lookups=("statement", "issuer", "source", "note"),
            placeholder="表述、授予单位、来源或备注",
        ),
        Filter("kind", "类别", "choice", lookup="kind", choices=Fact.Kind.choices),
        Filter("level", "级别", "choice", lookup="level", choices=Fact.Level.choices),
        Filter(
            "year",
            "年份",
            "int",
            lookup="year",
            options=lambda access: [(y, f"{y}年") for y in selectors.fact_years(access=access)],
            min_value=services.MIN_YEAR,
            max_value=9999,
            error="年份应为四位数字，如 2023。",
        ),
        Filter("period", "期间", "period", q=selectors.period_q),
        Filter("unit", "单位", "unit"),
    ),
    columns=(
        ListColumn("表述", render=_statement, link=True),
        ListColumn("类别", field="kind"),
        ListColumn("级别", field="level", css="d-none d-md-table-cell"),
        ListColumn("授予/发布单位", field="issuer", css="d-none d-md-table-cell"),
        ListColumn("时间", render=lambda f: f.when, css="text-nowrap"),
        ListColumn("所属单位", field="org_unit", css="d-none d-lg-table-cell"),
        ListColumn("来源文件", render=_source_file, css="d-none d-lg-table-cell"),
    ),
    texts=Texts(
        intro="这里登记本单位及下级获得的荣誉、排名和“率先”等事实：它们不是由活动记录统计出来的数字，"
        "而是按来源文件原话引用，报告中列为“据……”。",
        create="登记荣誉与排名",
        empty_can_enter="还没有登记任何荣誉、排名或“率先”事实",
        empty_hint_can_enter="收到表彰文件或通报后，点击“登记荣誉与排名”，按原话填写表述并上传文件，报告中即可引用；"
        "已有台账的，可以“批量导入”。",
        empty="本单位及下级还没有登记荣誉与排名",
        empty_hint="由各单位的填报员登记；登记后会显示在这里。",
        form_hint="荣誉须填授予单位和级别；排名须填名次；年份和日期至少填一个（填了日期可以不填年份）。",
        noun="事实",
    ),
    create=_create,
    update=_update,
    delete=_delete,
    validate=_validate,
    get=selectors.fact_get,
    list_queryset=selectors.fact_list,
    title=lambda fact: fact.statement,
    natural_key=("org_unit", "statement", "year"),
    files=(
        InlineFile(
            key="source",
            field="source_file",
            label="来源文件",
            upload_key="source_upload",
            remove_key="remove_source_file",
            name_field="source_name",
            size_field="source_size",
            type_field="source_content_type",
            help="证书照片（jpg、png、webp）或文件（pdf、docx、xlsx），不超过 10 MB",
        ),
    ),
    history_hidden=frozenset({"created_at", "updated_at", "created_by"}),
    ordering=("-year", "-date", "org_unit__path", "-pk"),
    import_description="批量登记或更新荣誉、排名和“率先”事实。所属单位、表述和年份相同的行会更新已有的记录，不会重复登记。",
)

register(FACTS)
