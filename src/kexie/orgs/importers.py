"""Import of the org tree from a spreadsheet (机构代码, 名称, 类型, 上级代码, 区划代码 …).

Rows are created or, when the code already exists inside the importer's subtree, updated — so a
re-import of the same file changes nothing. Parents may be earlier or later rows of the same file
or existing units inside the importer's subtree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.imports.excel import CellError, Column, Row, Sheet
from kexie.imports.models import ImportBatchRecord
from kexie.imports.specs import CommitResult, ImportSpec, RowError, register
from kexie.orgs import services, validators
from kexie.orgs.models import OrgType, OrgUnit
from kexie.orgs.scoping import Access, Action

COLUMNS = (
    Column(
        "code",
        "机构代码",
        required=True,
        kind="code",
        aliases=("代码", "单位代码", "组织代码", "编码"),
        max_length=32,
        help="本单位的唯一代码；行政区域科协建议使用区划代码",
        example="340822",
    ),
    Column(
        "name",
        "名称",
        required=True,
        aliases=("单位名称", "机构名称", "组织名称"),
        max_length=100,
        example="怀宁县科学技术协会",
    ),
    Column(
        "org_type",
        "类型",
        required=True,
        aliases=("单位类型", "机构类型", "组织类型"),
        choices=tuple(OrgType.labels),
        example="县级科协",
    ),
    Column(
        "parent_code",
        "上级代码",
        required=True,
        kind="code",
        aliases=("上级机构代码", "上级单位代码", "上级组织代码", "上级"),
        max_length=32,
        example="340800",
    ),
    Column(
        "region_code",
        "区划代码",
        kind="code",
        aliases=("行政区划代码", "统计用区划代码", "区划"),
        max_length=12,
        example="340822",
    ),
    Column("short_name", "简称", aliases=("单位简称",), max_length=30, example="怀宁县科协"),
    Column("active_from", "成立日期", kind="date", aliases=("成立时间",), example="1985-06-01"),
)
LABEL = {c.key: c.label for c in COLUMNS} | {"parent": "上级代码"}


class OrgUnitImportSpec(ImportSpec):
    def _data(self, row: Row, existing: OrgUnit | None = None) -> services.OrgUnitData:
        """The row as unit data; an optional column missing from the file keeps the unit's value."""
        v = row.values

        def optional(key: str) -> str:
            if key in v:
                return str(v.get(key) or "")
            return getattr(existing, key, "") or ""

        return services.OrgUnitData(
            code=str(v.get("code") or ""),
            name=str(v.get("name") or ""),
            org_type=v.get("_org_type", ""),
            short_name=optional("short_name"),
            region_code=optional("region_code"),
            active_from=v.get("active_from")
            if "active_from" in v
            else getattr(existing, "active_from", None),
        )

    def _plan(self, sheet: Sheet, access: Access):
        """Resolve parents and order rows parents-first; returns (ordered rows, existing, errors)."""
        errors: list[CellError] = []

        def err(row: Row, key: str, message: str) -> None:
            errors.append(CellError(message, sheet=sheet.name, row=row.number, column=LABEL[key]))

        by_code: dict[str, Row] = {}
        for row in sheet.rows:
            try:
                row.values["_org_type"] = validators.parse_org_type(str(row.values.get("org_type") or ""))
            except ValidationError as exc:
                err(row, "org_type", exc.messages[0])
            code = str(row.values.get("code") or "")
            if code in by_code:
                err(row, "code", f"机构代码“{code}”与第{by_code[code].number}行重复。")
            else:
                by_code[code] = row

        codes = set(by_code) | {str(r.values.get("parent_code") or "") for r in sheet.rows}
        existing = {u.code: u for u in OrgUnit.objects.filter(code__in=codes - {""})}
        for code, row in by_code.items():
            unit = existing.get(code)
            if unit is None:
                continue
            if not access.covers(unit, Action.MANAGE):
                err(row, "code", f"机构代码“{code}”已被占用，无法使用。")
                continue
            parent = OrgUnit.objects.get_parent(unit)
            if parent is not None and parent.code != row.values.get("parent_code"):
                err(
                    row,
                    "parent_code",
                    f"单位“{unit.name}”已存在，其上级为“{parent.name}”（{parent.code}）；调整隶属请在单位页面操作。",
                )

        for row in by_code.values():
            parent_code = str(row.values.get("parent_code") or "")
            if parent_code == row.values.get("code"):
                err(row, "parent_code", "上级代码不能是本单位自己。")
            elif parent_code not in by_code:
                parent = existing.get(parent_code)
                if parent is None:
                    err(
                        row,
                        "parent_code",
                        f"找不到上级代码“{parent_code}”：它既不在本文件中，也不是已有单位。",
                    )
                elif not access.covers(parent, Action.MANAGE):
                    err(row, "parent_code", f"上级代码“{parent_code}”不在您的管理范围内。")

        # Cycles among rows of the file (A's parent is B, B's parent is A …).
        state: dict[str, int] = {}
        order: list[Row] = []
        reported: set[str] = set()

        def visit(code: str, trail: list[str]) -> None:
            if state.get(code) == 2:
                return
            if state.get(code) == 1:
                cycle = [*trail[trail.index(code) :], code]
                for member in cycle[:-1]:
                    if member not in reported:
                        reported.add(member)
                        err(by_code[member], "parent_code", "上级关系形成循环：" + " → ".join(cycle) + "。")
                return
            state[code] = 1
            parent_code = str(by_code[code].values.get("parent_code") or "")
            if parent_code in by_code and parent_code != code:
                visit(parent_code, [*trail, code])
            state[code] = 2
            order.append(by_code[code])

        for code in by_code:
            visit(code, [])
        return order, existing, errors

    def _check(self, sheet: Sheet, access: Access) -> list[CellError]:
        order, existing, errors = self._plan(sheet, access)
        if errors:
            return errors
        pending: dict[str, OrgUnit] = {}
        for row in order:
            code = str(row.values.get("code") or "")
            data = self._data(row, existing.get(code))
            parent_code = str(row.values.get("parent_code") or "")
            parent = pending.get(parent_code) or existing.get(parent_code)
            found = services.validate_orgunit_data(data, parent=parent, instance=existing.get(data.code))
            for key, message in found.items():
                errors.append(
                    CellError(message, sheet=sheet.name, row=row.number, column=LABEL.get(key, key))
                )
            # An unsaved stand-in so that children later in the order can be checked against it.
            pending[data.code] = OrgUnit(
                code=data.code,
                name=data.name,
                org_type=data.org_type,
                region_code=data.region_code,
                level=validators.level_for(data.org_type, parent),
            )
        return errors

    def prepare(self, rows: Iterable[Row], sheet: Sheet, access: Access, *, keep: bool):
        """Org files are small and their rules cross rows (parents, cycles): the rows are kept whole.
        When a cell is already wrong the cross-row checks wait for the corrected file."""
        sheet.rows = list(rows)
        if any(row.errors for row in sheet.rows):
            return None, []
        errors = self._check(sheet, access)
        return (sheet if keep and not errors else None), errors

    def plan_size(self, plan: Sheet) -> int:
        return len(plan.rows)

    def write(self, plan: Sheet, access: Access, *, batch, progress) -> CommitResult:
        """Create or update, parents first, through the org services (their rules and history);
        every unit created or changed is logged for rollback with its values from before."""
        sheet = plan
        order, existing, errors = self._plan(sheet, access)
        if errors:
            first = errors[0]
            raise RowError(first.message, row=first.row or 0, column=first.column)
        result = CommitResult()
        made: dict[str, OrgUnit] = {}
        log: list[ImportBatchRecord] = []
        content_type = ContentType.objects.get_for_model(OrgUnit)
        for row in order:
            data = self._data(row, existing.get(str(row.values.get("code") or "")))
            parent_code = str(row.values.get("parent_code") or "")
            try:
                if data.code in existing:
                    unit = existing[data.code]
                    if services.orgunit_differs(unit, data, parent=OrgUnit.objects.get_parent(unit)):
                        before = {f: _json(getattr(unit, f)) for f in BEFORE_FIELDS}
                        unit = services.orgunit_update(access=access, unit=unit, data=data)
                        log.append(_record(batch, content_type, unit, row, "updated", before))
                        result.updated += 1
                else:
                    parent = made.get(parent_code) or existing[parent_code]
                    unit = services.orgunit_create(access=access, parent=parent, data=data, reason="批量导入")
                    made[data.code] = unit
                    log.append(_record(batch, content_type, unit, row, "created", None))
                    result.created += 1
            except DomainError as exc:
                raise RowError(exc.message, row=row.number, column=LABEL.get(exc.field or "", None)) from exc
            progress.advance()
        ImportBatchRecord.objects.bulk_create(log)
        return result

    def rollback(self, batch, access: Access, *, actor) -> None:
        """Deletes the units the batch created (children first) and gives the units it changed
        their values from before — only when none of them changed since and nothing hangs on them."""
        from kexie.imports.services import later_batches_touching

        content_type = ContentType.objects.get_for_model(OrgUnit)
        records = list(batch.records.filter(content_type=content_type).order_by("-pk"))
        units = OrgUnit.objects.in_bulk([r.object_id for r in records])
        later = later_batches_touching(batch, content_type, [r.object_id for r in records])
        if later is not None:
            raise DomainError(
                f"本批次导入的单位已被之后的导入批次“{later.file_name}”（{later.created_at:%Y-%m-%d %H:%M}）修改，请先撤销那一批。"
            )
        for record in records:
            unit = units.get(record.object_id)
            if unit is None:
                raise DomainError(f"第{record.row}行导入的单位已被删除，无法撤销本批次。")
            if not access.covers(unit, Action.MANAGE):
                raise PermissionDeniedError(f"“{unit.name}”不在您的管理范围内，不能撤销本批次。")
            if unit.updated_at != record.stamp:
                raise DomainError(
                    f"单位“{unit.name}”（{unit.code}）在导入之后又被修改过，无法撤销本批次；如需恢复，请在单位页面逐一修改。"
                )
        created = {r.object_id for r in records if r.action == "created"}
        reason = f"撤销导入：{batch.file_name}"
        for record in sorted(records, key=lambda r: -units[r.object_id].depth):
            unit = OrgUnit.objects.get(pk=record.object_id)  # fresh: numchild changes as children go
            if record.action == "created":
                outside = OrgUnit.objects.get_descendants(unit).exclude(pk__in=created)
                if outside.exists():
                    raise DomainError(f"单位“{unit.name}”下已新建了其他单位，无法撤销本批次。")
                try:
                    with transaction.atomic():
                        unit.delete()
                except (ProtectedError, RestrictedError, IntegrityError):
                    raise DomainError(
                        f"单位“{unit.name}”已有关联的数据（活动、用户或其他记录），无法撤销本批次。"
                    ) from None
                # the deletion's history row is written from the collector's copy: name who and why
                OrgUnit.history.filter(id=record.object_id, history_type="-").update(
                    history_change_reason=reason, history_user=actor
                )
            else:
                before = record.before or {}
                data = services.OrgUnitData(
                    code=before["code"],
                    name=before["name"],
                    org_type=before["org_type"],
                    short_name=before["short_name"],
                    region_code=before["region_code"],
                    active_from=dt.date.fromisoformat(before["active_from"])
                    if before["active_from"]
                    else None,
                )
                services.orgunit_update(access=access, unit=unit, data=data)


BEFORE_FIELDS = ("code", "name", "org_type", "short_name", "region_code", "active_from")


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _record(batch, content_type, unit: OrgUnit, row: Row, action: str, before) -> ImportBatchRecord:
    return ImportBatchRecord(
        batch=batch,
        content_type=content_type,
        object_id=unit.pk,
        action=action,
        row=row.number,
        before=before,
        stamp=OrgUnit.objects.values_list("updated_at", flat=True).get(pk=unit.pk),
    )


ORGUNIT_SPEC = register(
    OrgUnitImportSpec(
        key="orgunits",
        title="组织机构",
        description="批量新建或更新本单位下级的组织机构。已存在的机构代码会更新名称、类型和区划代码，不会重复创建。",
        columns=COLUMNS,
        max_rows=20000,
        action=Action.MANAGE,
        example_rows=[
            {
                "code": "340822",
                "name": "怀宁县科学技术协会",
                "org_type": "县级科协",
                "parent_code": "340800",
                "region_code": "340822",
                "short_name": "怀宁县科协",
                "active_from": "1985-06-01",
            },
            {
                "code": "340822100000",
                "name": "高河镇科协",
                "org_type": "乡镇科协",
                "parent_code": "340822",
                "region_code": "340822100000",
                "short_name": "",
                "active_from": "",
            },
        ],
    )
)
