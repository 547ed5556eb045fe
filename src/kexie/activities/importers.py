"""Import of activities (科普活动台账) from a spreadsheet, on the shared pipeline.

A row is the same activity as an existing one when organiser, title and start date agree (the
natural key), so re-importing a file updates those activities instead of duplicating them. Types,
campaigns and target groups are written by name; the organiser by its 机构代码 (default: the
importer's active unit). All rules are the services' rules; this module only maps cells to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from kexie.activities import selectors, services
from kexie.activities.filters import ActivityFilters
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.core.errors import DomainError
from kexie.core.text import clean_text
from kexie.imports.excel import CellError, Column, Row, Sheet
from kexie.imports.specs import CommitResult, ImportSpec, RowError, register
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope

SPLIT = re.compile(r"\s*[、,，;；]\s*")
YES, NO = "是", "否"

COLUMNS = (
    Column(
        "title",
        "活动名称",
        required=True,
        aliases=("活动主题", "活动标题", "名称"),
        max_length=200,
        example="科技助力乡村振兴专题讲座",
    ),
    Column(
        "activity_type",
        "活动类型",
        required=True,
        aliases=("类型", "活动类别"),
        max_length=30,
        help="类型名称，如 讲座/报告会、展览、竞赛、培训、学术会议/论坛",
        example="讲座/报告会",
    ),
    Column(
        "campaign",
        "活动品牌",
        aliases=("所属品牌", "品牌活动", "活动品牌名称"),
        max_length=50,
        help="可空。全国科普日只到2024年，2025年起为全国科普月；也可填本地品牌",
        example="全国科普日",
    ),
    Column(
        "org_code",
        "主办单位代码",
        kind="code",
        aliases=("主办单位机构代码", "主办机构代码"),
        max_length=32,
        help="可空，默认为导入时的当前单位",
        example="340822",
    ),
    Column(
        "start_date",
        "开始日期",
        required=True,
        kind="date",
        aliases=("活动日期", "举办日期", "开始时间", "日期"),
        example="2024-09-21",
    ),
    Column(
        "end_date",
        "结束日期",
        kind="date",
        aliases=("结束时间",),
        help="可空，默认与开始日期相同",
        example="2024-09-21",
    ),
    Column("venue", "活动地点", aliases=("地点", "举办地点"), max_length=200, example="高河镇文化站"),
    Column(
        "mode",
        "形式",
        aliases=("活动形式", "线上线下"),
        choices=tuple(Activity.Mode.labels),
        help="可空，默认线下",
        example="线下",
    ),
    Column("participants", "参与人次", kind="int", aliases=("参加人次", "受众人次"), example="120"),
    Column("online_views", "线上浏览量", kind="int", aliases=("浏览量", "线上观看量"), example="0"),
    Column(
        "sci_workers",
        "参与科技工作者人次",
        kind="int",
        aliases=("科技工作者人次", "参与科技工作者"),
        example="5",
    ),
    Column("volunteers", "参与志愿者人次", kind="int", aliases=("志愿者人次", "参与志愿者"), example="8"),
    Column(
        "target_groups",
        "目标人群",
        aliases=("重点人群", "面向人群", "受众人群"),
        max_length=200,
        help="多个用顿号、逗号或分号隔开，如 农民、青少年",
        example="农民、老年人",
    ),
    Column(
        "is_key",
        "重点活动",
        aliases=("是否重点活动",),
        choices=(YES, NO),
        help="是/否，可空（默认否）",
        example=NO,
    ),
    Column(
        "description",
        "活动简介",
        aliases=("简介", "活动内容", "内容简介"),
        max_length=services.MAX_DESCRIPTION,
        example="邀请县农技中心专家讲解水稻病虫害绿色防控技术。",
    ),
    Column(
        "status",
        "状态",
        aliases=("活动状态",),
        choices=tuple(Activity.Status.labels),
        help="可空，默认已举办；将来的活动填“计划中”",
        example="已举办",
    ),
    Column(
        "co_organisers",
        "协办单位",
        aliases=("协办单位代码",),
        max_length=1000,
        help="可空；填机构代码或单位全称，多个用顿号隔开",
        example="",
    ),
    Column(
        "region_code",
        "活动地区区划代码",
        kind="code",
        aliases=("区划代码", "活动地区代码"),
        max_length=12,
        help="可空；6位或12位统计用区划代码",
        example="",
    ),
)
LABEL = {c.key: c.label for c in COLUMNS} | {"org_unit": "主办单位代码"}
MODE_BY_LABEL = {label: value for value, label in Activity.Mode.choices}
STATUS_BY_LABEL = {label: value for value, label in Activity.Status.choices}


@dataclass
class Planned:
    row: Row
    data: services.ActivityData
    existing: Activity | None


def _text(row: Row, key: str) -> str:
    value = row.values.get(key)
    return "" if value is None else str(value).strip()


def _tokens(value: str) -> list[str]:
    return [t for t in SPLIT.split(value) if t]


class ActivityImportSpec(ImportSpec):
    def _plan(self, sheet: Sheet, access: Access) -> tuple[list[Planned], list[CellError]]:
        errors: list[CellError] = []

        def err(row: Row, key: str, message: str) -> None:
            errors.append(CellError(message, sheet=sheet.name, row=row.number, column=LABEL.get(key, key)))

        rows = sheet.rows
        types: dict[str, ActivityType] = {}
        for t in ActivityType.objects.all():
            types[t.name] = types[t.code] = t
        type_names = "、".join(dict.fromkeys(t.name for t in types.values() if t.is_active))
        groups: dict[str, TargetGroup] = {}
        for g in TargetGroup.objects.all():
            groups[g.name] = groups[g.code] = g
        group_names = "、".join(dict.fromkeys(g.name for g in groups.values()))
        campaigns: dict[str, list[Campaign]] = {}
        for c in selectors.campaign_choices(access=access).select_related("org_unit"):
            campaigns.setdefault(c.name, []).append(c)
            campaigns.setdefault(c.code, []).append(c)

        # units by code (organisers) and by code or full name (co-organisers), inside the scope only
        wanted = {_text(r, "org_code") for r in rows} | {
            t for r in rows for t in _tokens(_text(r, "co_organisers"))
        }
        wanted.discard("")
        in_scope = list(
            scope(OrgUnit.objects.filter(Q(code__in=wanted) | Q(name__in=wanted)), access, Action.ENTER)
        )
        by_code = {u.code: u for u in in_scope}
        by_name: dict[str, list[OrgUnit]] = {}
        for u in in_scope:
            by_name.setdefault(u.name, []).append(u)
        default_unit = access.unit

        planned: list[Planned] = []
        for row in rows:
            before = len(errors)
            code = _text(row, "org_code")
            organiser = by_code.get(code) if code else default_unit
            if organiser is None:
                err(row, "org_code", f"找不到机构代码“{code}”，或该单位不在您的填报范围内。")
            type_name = _text(row, "activity_type")
            activity_type = types.get(type_name)
            if activity_type is None:
                err(row, "activity_type", f"没有名为“{type_name}”的活动类型（可选：{type_names}）。")
            campaign = None
            campaign_name = _text(row, "campaign")
            if campaign_name:
                found = campaigns.get(campaign_name, [])
                # prefer the brands that apply to this organiser; if none does, keep them all so that
                # the service explains why the one named does not apply
                applicable = [
                    c
                    for c in found
                    if c.org_unit is None or (organiser and organiser.path.startswith(c.org_unit.path))
                ]
                found = applicable or found
                if not found:
                    err(row, "campaign", f"没有名为“{campaign_name}”的活动品牌，或它不适用于您的单位。")
                elif len(found) > 1:
                    err(row, "campaign", f"有多个名为“{campaign_name}”的活动品牌，请联系管理员区分名称。")
                else:
                    campaign = found[0]
            target_list = []
            for token in _tokens(_text(row, "target_groups")):
                group = groups.get(token)
                if group is None:
                    err(row, "target_groups", f"没有名为“{token}”的目标人群（可选：{group_names}）。")
                    break
                if group not in target_list:
                    target_list.append(group)
            co_list = []
            for token in _tokens(_text(row, "co_organisers")):
                unit = by_code.get(token)
                named = by_name.get(token, [])
                if unit is None and len(named) > 1:
                    err(row, "co_organisers", f"有多个单位名为“{token}”，请改填机构代码。")
                    break
                unit = unit or (named[0] if named else None)
                if unit is None:
                    err(row, "co_organisers", f"找不到协办单位“{token}”，或它不在您的填报范围内。")
                    break
                if unit not in co_list:
                    co_list.append(unit)
            if len(errors) > before:
                continue
            data = services.ActivityData(
                title=clean_text(_text(row, "title")),
                activity_type=activity_type,
                org_unit=organiser,
                start_date=row.values.get("start_date"),
                end_date=row.values.get("end_date"),
                campaign=campaign,
                venue=_text(row, "venue"),
                region_code=_text(row, "region_code"),
                mode=MODE_BY_LABEL.get(_text(row, "mode"), Activity.Mode.OFFLINE),
                participants=row.values.get("participants") or 0,
                online_views=row.values.get("online_views") or 0,
                sci_workers=row.values.get("sci_workers") or 0,
                volunteers=row.values.get("volunteers") or 0,
                is_key=_text(row, "is_key") == YES,
                description=_text(row, "description"),
                status=STATUS_BY_LABEL.get(_text(row, "status"), Activity.Status.HELD),
                target_groups=target_list,
                co_organisers=co_list,
            )
            planned.append(Planned(row, data, None))

        # the natural key: duplicates inside the file, then existing activities to update
        seen: dict[tuple, Row] = {}
        unique: list[Planned] = []
        for p in planned:
            key = (p.data.org_unit.pk, p.data.title, p.data.start_date)
            if key in seen:
                err(
                    p.row,
                    "title",
                    f"与第{seen[key].number}行是同一活动（主办单位、活动名称和开始日期都相同），请删除重复行。",
                )
                continue
            seen[key] = p.row
            unique.append(p)
        existing = {}
        if unique:
            candidates = selectors.activity_list(
                access=access,
                action=Action.ENTER,
                filters=ActivityFilters(status=None),
            ).filter(
                org_unit__in={p.data.org_unit.pk for p in unique},
                start_date__in={p.data.start_date for p in unique},
            )
            existing = {(a.org_unit_id, a.title, a.start_date): a for a in candidates}
        for p in unique:
            p.existing = existing.get((p.data.org_unit.pk, p.data.title, p.data.start_date))
            if p.existing is not None:
                self._keep_missing_columns(sheet, p)
            for key, message in services.validate_activity_data(
                p.data, access=access, instance=p.existing
            ).items():
                err(p.row, key, message)
        return unique, errors

    @staticmethod
    def _keep_missing_columns(sheet: Sheet, p: Planned) -> None:
        """An optional column missing from the file keeps the existing activity's value."""
        current = services.ActivityData.from_activity(p.existing)
        source_keys = {"org_code": "org_unit"}
        present = {source_keys.get(k, k) for k in sheet.columns}
        for name in (*services.SCALAR_FIELDS, "target_groups", "co_organisers"):
            if name not in present and name != "org_unit":
                setattr(p.data, name, getattr(current, name))

    def validate(self, sheet: Sheet, access: Access) -> list[CellError]:
        return self._plan(sheet, access)[1]

    def commit(self, sheet: Sheet, access: Access, *, batch) -> CommitResult:
        planned, errors = self._plan(sheet, access)
        if errors:
            first = errors[0]
            raise RowError(first.message, row=first.row or 0, column=first.column)
        actor = batch.created_by
        result = CommitResult()
        for p in planned:
            try:
                if p.existing is not None:
                    services.activity_update(
                        access=access,
                        actor=actor,
                        activity=p.existing,
                        data=p.data,
                        reason="批量导入（更新）",
                    )
                    result.updated += 1
                else:
                    services.activity_create(
                        access=access, actor=actor, data=p.data, reason="批量导入", import_batch=batch
                    )
                    result.created += 1
            except DomainError as exc:
                raise RowError(exc.message, row=p.row.number, column=LABEL.get(exc.field or "")) from exc
        return result


ACTIVITY_SPEC = register(
    ActivityImportSpec(
        key="activities",
        title="科普活动",
        description=(
            "批量录入本单位及下级单位的活动（科普活动、学术交流、培训、竞赛等）。"
            "主办单位、活动名称和开始日期都相同的行会更新已有活动，不会重复创建。"
        ),
        columns=COLUMNS,
        max_rows=20000,
        action=Action.ENTER,
        example_rows=[
            {
                "title": "科技助力乡村振兴专题讲座",
                "activity_type": "讲座/报告会",
                "campaign": "全国科普日",
                "org_code": "340822",
                "start_date": "2024-09-21",
                "end_date": "2024-09-21",
                "venue": "高河镇文化站",
                "mode": "线下",
                "participants": 120,
                "online_views": 0,
                "sci_workers": 5,
                "volunteers": 8,
                "target_groups": "农民、老年人",
                "is_key": "否",
                "description": "邀请县农技中心专家讲解水稻病虫害绿色防控技术。",
                "status": "已举办",
            },
            {
                "title": "全国科普月青少年科学实验秀",
                "activity_type": "展览",
                "campaign": "全国科普月",
                "org_code": "340822",
                "start_date": "2025-09-10",
                "end_date": "2025-09-12",
                "venue": "县青少年活动中心",
                "mode": "线上线下结合",
                "participants": 860,
                "online_views": 12000,
                "sci_workers": 12,
                "volunteers": 30,
                "target_groups": "青少年",
                "is_key": "是",
                "description": "",
                "status": "已举办",
            },
        ],
    )
)
