"""Import of activities (科普活动台账) from a spreadsheet, on the shared pipeline.

A row is the same activity as an existing one when organiser, title and start date agree (the
natural key), so re-importing a file updates those activities instead of duplicating them. Types,
campaigns and target groups are written by name; the organiser by its 机构代码 (default: the
importer's active unit). All rules are the services' rules; this module only maps cells to them.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from kexie.activities import facts, selectors, services
from kexie.activities.filters import ActivityFilters
from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup
from kexie.activities.records import ACTIVITIES
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.core.numbers import parse_quantity
from kexie.core.text import clean_text
from kexie.imports.excel import CellError, Row, Sheet
from kexie.imports.models import ImportBatchRecord
from kexie.imports.specs import CommitResult, ImportSpec, RowError, register
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action, scope, subtree_q
from kexie.records.exports import import_columns
from kexie.records.models import Attachment as RecordAttachment
from kexie.records.selectors import changes_after
from kexie.records.services import describe_changes
from kexie.registries.models import Facility

SPLIT = re.compile(r"\s*[、,，;；]\s*")
YES, NO = "是", "否"

# the columns (keys, labels, aliases, required, help, examples; also the template file and the export)
# are the activity declaration's (activities/records.py); this module maps their cells fast
COLUMNS = import_columns(ACTIVITIES)
LABEL = {c.key: c.label for c in COLUMNS} | {"org_unit": "主办单位代码"}
MODE_BY_LABEL = {label: value for value, label in Activity.Mode.choices}
STATUS_BY_LABEL = {label: value for value, label in Activity.Status.choices}


CHUNK = 1000  # rows checked per step (one lookup of existing activities each) and written per INSERT
M2M = {"target_groups": ("targetgroup_id", "target_groups"), "co_organisers": ("orgunit_id", "co_organisers")}


@dataclass
class Planned:
    row: Row
    data: services.ActivityData
    existing: Activity | None


class Spool:
    """Compact new activities (see `_compact`) spilled to a temporary file a chunk at a time, so that a
    100k-row plan does not sit in memory next to the parsed workbook; read back chunk by chunk."""

    def __init__(self):
        self.count = 0
        self._pending: list[tuple] = []
        self._file = tempfile.TemporaryFile()

    def append(self, item: tuple) -> None:
        self._pending.append(item)
        self.count += 1
        if len(self._pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def __len__(self) -> int:
        return self.count

    def chunks(self) -> Iterator[list[tuple]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 (our own temporary file, written above)
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


@dataclass
class Plan:
    """What `write` does: new activities (spooled compact tuples), updates with their data."""

    creates: Spool = field(default_factory=Spool)
    updates: list[tuple[int, int, object, services.ActivityData]] = field(default_factory=list)


# the values of a compact new activity (after the Excel row number), in the services' field order;
# foreign keys as ids
_META_FIELDS = [Activity._meta.get_field(name) for name in services.SCALAR_FIELDS]
COMPACT_FIELDS = tuple(f.attname for f in _META_FIELDS)
_RELATED = frozenset(f.name for f in _META_FIELDS if f.is_relation)
_DATES_AT = frozenset(i for i, f in enumerate(_META_FIELDS) if isinstance(f, models.DateField))
# fields a cell gives as it is (numbers, dates, texts): any field declared later is one of them; the
# others are mapped in _Planner._data (names of lists, 是/否, choice labels, 第七届)
_SPECIAL = {
    "title",
    "activity_type",
    "org_unit",
    "campaign",
    "mode",
    "edition",
    "facility",
    "is_key",
    "status",
}
_PLAIN = tuple(
    (
        f.name,
        "int"
        if isinstance(f, models.IntegerField)
        else "date"
        if isinstance(f, models.DateField)
        else "null"
        if f.null
        else "text",
        f.get_default(),
    )
    for f in _META_FIELDS
    if f.name not in _SPECIAL
)
# in a compact tuple: the Excel row number, the fields above, then the two many-to-many id tuples
TARGETS_AT = len(COMPACT_FIELDS) + 1
PARTNERS_AT = TARGETS_AT + 1


def _compact(row_number: int, d: services.ActivityData) -> tuple:
    """A new activity in ~0.5 KB (an ActivityData with its model references is several times that)."""
    values = d.__dict__
    return (
        row_number,
        *[
            (values[name].pk if values[name] is not None else None) if name in _RELATED else values[name]
            for name in services.SCALAR_FIELDS
        ],
        tuple(g.pk for g in d.target_groups),
        tuple(u.pk for u in d.co_organisers),
    )


EDITION = re.compile(r"第?\s*(?P<n>[0-9零〇一二两三四五六七八九十百]+)\s*届?")


def parse_edition(text: str) -> int | str | None:
    """届次 as written in a 台账 ("7", "第七届", "第7届") → 7; empty → None; otherwise a message."""
    text = (text or "").strip()
    if not text:
        return None
    match = EDITION.fullmatch(text)
    if match is not None:
        try:
            quantity = parse_quantity(match["n"])
        except ValueError:
            quantity = None
        if quantity is not None and not quantity.qualifier and quantity.stated == int(quantity.stated):
            return int(quantity.stated)
    return f"届次“{text[:20]}”无法识别，请填数字（如 7）或“第七届”。"


def _text(row: Row, key: str) -> str:
    value = row.values.get(key)
    if value is None:
        return ""
    return value if type(value) is str else str(value).strip()  # text cells come stripped


def _applicable(found: list, organiser: OrgUnit | None):
    """The one campaign or activity type of a name for this organiser: those that apply to it are
    preferred (national, or set up by it or a unit above it); if none does, one that does not is
    returned so that the service explains why. None: no such name; a list: several of it."""
    applicable = [
        x for x in found if x.org_unit is None or (organiser and organiser.path.startswith(x.org_unit.path))
    ]
    found = list({x.pk: x for x in (applicable or found)}.values())
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def _tokens(value: str) -> list[str]:
    return [t for t in SPLIT.split(value) if t] if value else []


def _differs(activity: Activity, data: services.ActivityData) -> bool:
    """Would `data` change `activity`? (many-to-many from the prefetched rows: no query)"""
    if any(getattr(activity, name) != getattr(data, name) for name in services.SCALAR_FIELDS):
        return True
    return {g.pk for g in activity.target_groups.all()} != {g.pk for g in data.target_groups} or {
        u.pk for u in activity.co_organisers.all()
    } != {u.pk for u in data.co_organisers}


def _before(activity: Activity) -> dict:
    """The activity's editable values as JSON, for rollback."""
    values = {}
    for name in services.SCALAR_FIELDS:
        field_ = Activity._meta.get_field(name)
        value = getattr(activity, field_.attname)
        values[field_.attname] = value.isoformat() if isinstance(value, dt.date) else value
    values["target_groups"] = sorted(g.pk for g in activity.target_groups.all())
    values["co_organisers"] = sorted(u.pk for u in activity.co_organisers.all())
    return values


def _data_from_before(values: dict) -> services.ActivityData:
    """The services' data from `_before` (a field missing from an older record takes its default)."""
    data = {}
    for f in _META_FIELDS:
        value = values.get(f.attname, f.get_default())
        if f.is_relation:
            value = f.related_model._default_manager.filter(pk=value).first() if value else None
        elif isinstance(f, models.DateField) and value:
            value = dt.date.fromisoformat(value)
        data[f.name] = value
    return services.ActivityData(
        **data,
        target_groups=list(TargetGroup.objects.filter(pk__in=values["target_groups"])),
        co_organisers=list(OrgUnit.objects.filter(pk__in=values["co_organisers"])),
    )


def _existing_ids(keys: list[tuple[int, str, dt.date]]) -> list[int]:
    """Ids of the activities with these natural keys (organiser id, title, start date), in one query.
    PostgreSQL joins three arrays (three parameters, whatever the number of keys); elsewhere the
    three IN lists narrow by the natural-key index and Python keeps the exact matches."""
    if connection.vendor == "postgresql":
        meta = Activity._meta
        quote = connection.ops.quote_name
        unit, title, start = (quote(meta.get_field(n).column) for n in ("org_unit", "title", "start_date"))
        sql = (
            f"SELECT a.{quote(meta.pk.column)} FROM {quote(meta.db_table)} a "  # noqa: S608 (model names)
            "JOIN unnest(%s::bigint[], %s::text[], %s::date[]) AS k(u, t, d) "
            f"ON a.{unit} = k.u AND a.{title} = k.t AND a.{start} = k.d"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]])
            return [row[0] for row in cursor.fetchall()]
    wanted = set(keys)
    rows = Activity.objects.filter(
        org_unit__in={k[0] for k in keys}, title__in={k[1] for k in keys}, start_date__in={k[2] for k in keys}
    ).values_list("org_unit_id", "title", "start_date", "pk")
    return [pk for unit, title, start, pk in rows if (unit, title, start) in wanted]


class _Planner:
    """Checks rows chunk by chunk against the database; keeps only what the commit needs."""

    def __init__(self, sheet: Sheet, access: Access, *, keep: bool):
        self.sheet = sheet
        self.access = access
        self.keep = keep
        self.errors: list[CellError] = []
        self.plan = Plan() if keep else None
        # national types and those set up by a unit above or inside the scope (several units below
        # may each have set up one of the same name)
        self.types: dict[str, list[ActivityType]] = {}
        for t in selectors.activity_types(access=access, active_only=False).select_related("org_unit"):
            self.types.setdefault(t.name, []).append(t)
            self.types.setdefault(t.code, []).append(t)
        self.type_names = "、".join(
            dict.fromkeys(t.name for ts in self.types.values() for t in ts if t.is_active)
        )
        self.groups: dict[str, TargetGroup] = {}
        for g in TargetGroup.objects.all():
            self.groups[g.name] = self.groups[g.code] = g
        self.group_names = "、".join(dict.fromkeys(g.name for g in self.groups.values()))
        self.campaigns: dict[str, list[Campaign]] = {}
        for c in selectors.visible_campaigns(access=access).select_related("org_unit"):
            self.campaigns.setdefault(c.name, []).append(c)
            self.campaigns.setdefault(c.code, []).append(c)
        self.facilities: dict[str, list[Facility]] = {}
        for f in selectors.facility_choices(access=access):
            self.facilities.setdefault(f.name, []).append(f)
        self.by_code: dict[str, OrgUnit] = {}
        self.by_name: dict[str, list[OrgUnit]] = {}
        self.looked_up: set[str] = set()
        self.seen: dict[tuple, int] = {}  # natural key → Excel row, across the whole file

    def err(self, row: Row | int, key: str, message: str) -> None:
        number = row if isinstance(row, int) else row.number
        self.errors.append(CellError(message, sheet=self.sheet.name, row=number, column=LABEL.get(key, key)))

    def _load_units(self, rows: list[Row]) -> None:
        """Units named in these rows (organiser codes, co-organiser codes or names), in scope only."""
        wanted = {_text(r, "org_code") for r in rows} | {
            t for r in rows for t in _tokens(_text(r, "co_organisers"))
        }
        wanted -= self.looked_up
        wanted.discard("")
        if not wanted:
            return
        self.looked_up |= wanted
        found = scope(
            OrgUnit.objects.filter(Q(code__in=wanted) | Q(name__in=wanted)), self.access, Action.ENTER
        )
        for u in found:
            if u.code not in self.by_code:
                self.by_code[u.code] = u
                self.by_name.setdefault(u.name, []).append(u)

    def chunk(self, rows: list[Row]) -> None:
        rows = [r for r in rows if not r.errors]  # a cell already wrong is reported by the pipeline
        if not rows:
            return
        self._load_units(rows)
        planned = [p for p in (self._data(row) for row in rows) if p is not None]
        unique = []
        for p in planned:
            key = (p.data.org_unit.pk, p.data.title, p.data.start_date)
            first = self.seen.get(key)
            if first is not None:
                self.err(
                    p.row,
                    "title",
                    f"与第{first}行是同一活动（主办单位、活动名称和开始日期都相同），请删除重复行。",
                )
                continue
            self.seen[key] = p.row.number
            unique.append(p)
        if not unique:
            return
        ids = _existing_ids([(p.data.org_unit.pk, p.data.title, p.data.start_date) for p in unique])
        candidates = (
            selectors.activity_list(
                access=self.access, action=Action.ENTER, filters=ActivityFilters.every_status()
            )
            .filter(pk__in=ids)
            .order_by()
            .prefetch_related("target_groups", "co_organisers")
            if ids
            else []
        )
        existing = {(a.org_unit_id, a.title, a.start_date): a for a in candidates}
        today = timezone.localdate()
        for p in unique:
            p.existing = existing.get((p.data.org_unit.pk, p.data.title, p.data.start_date))
            if p.existing is not None:
                self._keep_missing_columns(p)
            # the natural key was checked above for the whole file and against the database
            found = services.validate_activity_data(
                p.data, access=self.access, instance=p.existing, check_natural_key=False, today=today
            )
            for key, message in found.items():
                self.err(p.row, key, message)
            if found or not self.keep:
                continue
            if p.existing is None:
                self.plan.creates.append(_compact(p.row.number, p.data))
            elif _differs(p.existing, p.data):
                self.plan.updates.append((p.row.number, p.existing.pk, p.existing.updated_at, p.data))

    def _data(self, row: Row) -> Planned | None:
        before = len(self.errors)
        err = self.err
        code = _text(row, "org_code")
        organiser = self.by_code.get(code) if code else self.access.unit
        if organiser is None:
            err(row, "org_code", f"找不到机构代码“{code}”，或该单位不在您的填报范围内。")
        type_name = _text(row, "activity_type")
        activity_type = _applicable(self.types.get(type_name, []), organiser)
        if activity_type is None:
            err(row, "activity_type", f"没有名为“{type_name}”的活动类型（可选：{self.type_names}）。")
        elif isinstance(activity_type, list):
            err(row, "activity_type", f"有多个名为“{type_name}”的活动类型，请联系管理员区分名称。")
            activity_type = None
        campaign = None
        campaign_name = _text(row, "campaign")
        if campaign_name:
            found = _applicable(self.campaigns.get(campaign_name, []), organiser)
            if found is None:
                err(row, "campaign", f"没有名为“{campaign_name}”的活动品牌，或它不适用于您的单位。")
            elif isinstance(found, list):
                err(row, "campaign", f"有多个名为“{campaign_name}”的活动品牌，请联系管理员区分名称。")
            else:
                campaign = found
        target_list = []
        for token in _tokens(_text(row, "target_groups")):
            group = self.groups.get(token)
            if group is None:
                err(row, "target_groups", f"没有名为“{token}”的目标人群（可选：{self.group_names}）。")
                break
            if group not in target_list:
                target_list.append(group)
        co_list = []
        for token in _tokens(_text(row, "co_organisers")):
            unit = self.by_code.get(token)
            named = self.by_name.get(token, [])
            if unit is None and len(named) > 1:
                err(row, "co_organisers", f"有多个单位名为“{token}”，请改填机构代码。")
                break
            unit = unit or (named[0] if named else None)
            if unit is None:
                err(row, "co_organisers", f"找不到协办单位“{token}”，或它不在您的填报范围内。")
                break
            if unit not in co_list:
                co_list.append(unit)
        facility = None
        facility_name = _text(row, "facility")
        if facility_name:
            found = self.facilities.get(facility_name, [])
            near = [  # the organiser's own, its units above or below
                f
                for f in found
                if organiser
                and (organiser.path.startswith(f.org_unit.path) or f.org_unit.path.startswith(organiser.path))
            ]
            found = near or found
            if not found:
                err(row, "facility", f"找不到名为“{facility_name}”的场馆或流动设施，请先在“科普设施”中登记。")
            elif len(found) > 1:
                err(row, "facility", f"有多个名为“{facility_name}”的设施，请联系管理员区分名称。")
            else:
                facility = found[0]
        edition = parse_edition(_text(row, "edition"))
        if isinstance(edition, str):
            err(row, "edition", edition)
        if len(self.errors) > before:
            return None
        v = row.values
        plain = {}
        for name, kind, default in _PLAIN:
            if kind == "int":
                plain[name] = v.get(name) or default
            elif kind == "date":
                plain[name] = v.get(name)
            else:  # text; "" is NULL where the column may be
                plain[name] = _text(row, name) or (None if kind == "null" else "")
        data = services.ActivityData(
            **plain,
            title=clean_text(_text(row, "title")),
            activity_type=activity_type,
            org_unit=organiser,
            campaign=campaign,
            mode=MODE_BY_LABEL.get(_text(row, "mode"), Activity.Mode.OFFLINE),
            edition=edition,
            facility=facility,
            is_key=_text(row, "is_key") == YES,
            status=STATUS_BY_LABEL.get(_text(row, "status"), Activity.Status.HELD),
            target_groups=target_list,
            co_organisers=co_list,
        )
        return Planned(row, data, None)

    def _keep_missing_columns(self, p: Planned) -> None:
        """An optional column missing from the file keeps the existing activity's value."""
        current = services.ActivityData.from_activity(p.existing)
        source_keys = {"org_code": "org_unit"}
        present = {source_keys.get(k, k) for k in self.sheet.columns}
        for name in (*services.SCALAR_FIELDS, "target_groups", "co_organisers"):
            if name not in present and name != "org_unit":
                setattr(p.data, name, getattr(current, name))


def _edited_after(activity: Activity, moment) -> bool:
    if activity.updated_at <= moment:
        return False
    return (
        activity.created_at <= moment
        or Activity.history.filter(id=activity.pk, history_type="~", history_date__gt=moment).exists()
    )


def _stale_message(pk: int, checked_at) -> str:
    """The record layer's refusal of an update over an activity changed after the upload was
    checked: who changed what (or that it was deleted); nothing of the file is written."""
    current = Activity.objects.filter(pk=pk).first()
    if current is None:
        return "这一行对应的活动在上传校验之后被删除了，本次导入没有写入任何数据，请重新上传文件。"
    changes = changes_after(declaration=ACTIVITIES, record_id=pk, moment=checked_at)
    return (
        f"这一行对应的活动“{current.title}”在上传校验之后已被他人修改，为避免覆盖，本次导入没有写入任何数据。"
        f"变更：{describe_changes(changes) or '（变更记录不可用）'}。请核对后重新上传文件。"
    )


class ActivityImportSpec(ImportSpec):
    def prepare(self, rows: Iterable[Row], sheet: Sheet, access: Access, *, keep: bool):
        planner = _Planner(sheet, access, keep=keep)
        pending: list[Row] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= CHUNK:
                planner.chunk(pending)
                pending = []
        planner.chunk(pending)
        errors = planner.errors
        if errors and planner.plan is not None:
            planner.plan.creates.close()
            return None, errors
        return planner.plan, errors

    def plan_size(self, plan: Plan) -> int:
        return len(plan.creates) + len(plan.updates)

    def write(self, plan: Plan, access: Access, *, batch, progress) -> CommitResult:
        """New activities in bulk (rows, many-to-many rows, one history record each with its
        many-to-many rows, as `services.activity_create` leaves them); updates one by one through
        `services.activity_update`, each only if the activity is still as it was checked. The new
        activities are added to the fact table in the same transaction (the updates refresh their
        cells, new rows included)."""
        if not access.can(Action.ENTER):
            raise PermissionDeniedError("您的角色不能填报活动。")
        actor = batch.created_by
        checked_at = batch.created_at  # the upload, checked right then
        result = CommitResult()
        for chunk in plan.creates.chunks():
            try:
                with transaction.atomic():
                    _bulk_create(chunk, actor=actor, batch=batch, reason="批量导入")
            except IntegrityError as exc:
                raise DomainError(
                    f"第{chunk[0][0]}—{chunk[-1][0]}行中有活动刚被他人录入（主办单位、活动名称和开始日期相同），请重新上传文件校验。"
                ) from exc
            result.created += len(chunk)
            progress.advance(len(chunk))
        plan.creates.close()
        if result.created:
            facts.add(Activity.objects.filter(import_batch=batch))
        content_type = ContentType.objects.get_for_model(Activity)
        log = []
        for row_number, pk, stamp, data in plan.updates:
            activity = (
                Activity.objects.select_related("org_unit", "activity_type", "campaign")
                .prefetch_related("target_groups", "co_organisers")
                .filter(pk=pk, updated_at=stamp)
                .first()
            )
            # the record layer's rule: no update over an activity edited after the upload was checked
            # (the commit's own scan saw it as it is now; the person who checked the file did not). One
            # entered only after the check and not edited since is updated, as the file says.
            if activity is None or _edited_after(activity, checked_at):
                raise RowError(_stale_message(pk, checked_at), row=row_number)
            before = _before(activity)
            try:
                activity = services.activity_update(
                    access=access, actor=actor, activity=activity, data=data, reason="批量导入（更新）"
                )
            except DomainError as exc:
                raise RowError(exc.message, row=row_number, column=LABEL.get(exc.field or "")) from exc
            log.append(
                ImportBatchRecord(
                    batch=batch,
                    content_type=content_type,
                    object_id=pk,
                    action=ImportBatchRecord.Action.UPDATED,
                    row=row_number,
                    before=before,
                    stamp=Activity.objects.values_list("updated_at", flat=True).get(pk=pk),
                )
            )
            result.updated += 1
            progress.advance()
        ImportBatchRecord.objects.bulk_create(log)
        return result

    def rollback(self, batch, access: Access, *, actor) -> None:
        """Deletes the activities the batch created (found by their `import_batch`) and gives the
        ones it updated their values from before, refusing when any of them changed since."""
        from kexie.imports.services import later_batches_touching

        if not access.can(Action.ENTER):
            raise PermissionDeniedError("您的角色不能填报活动。")
        content_type = ContentType.objects.get_for_model(Activity)
        created = Activity.objects.filter(import_batch=batch)
        count = created.count()
        if count != batch.rows_created:
            raise DomainError(
                f"本批次新增的{batch.rows_created}条活动中有{batch.rows_created - count}条已被删除，无法整体撤销。"
            )
        if created.exclude(subtree_q(access.root_path, via="org_unit")).exists():
            raise PermissionDeniedError("本批次有活动不在您的填报范围内，不能撤销。")
        records = list(batch.records.filter(content_type=content_type).order_by("-row"))
        later = later_batches_touching(batch, content_type, created.values("pk")) or later_batches_touching(
            batch, content_type, [r.object_id for r in records]
        )
        if later is not None:
            raise DomainError(
                f"本批次的活动已被之后的导入批次“{later.file_name}”（{later.created_at:%Y-%m-%d %H:%M}）修改，请先撤销那一批。"
            )
        changed = created.filter(updated_at__gt=batch.finished_at).order_by("pk").first()
        if changed is not None:
            raise DomainError(
                f"活动“{changed.title}”（{changed.start_date:%Y-%m-%d}）在导入之后又被修改过，无法撤销本批次；如需删除，请逐条处理。"
            )
        with_files = (
            RecordAttachment.objects.filter(content_type=content_type, object_id__in=created.values("pk"))
            .values_list("object_id", flat=True)
            .first()
        )
        if with_files is not None:
            title = Activity.objects.values_list("title", flat=True).get(pk=with_files)
            raise DomainError(f"活动“{title}”在导入之后上传了附件，无法撤销本批次。")
        current = Activity.objects.select_related("org_unit").in_bulk([r.object_id for r in records])
        for record in records:
            activity = current.get(record.object_id)
            if activity is None or activity.updated_at != record.stamp:
                raise DomainError(
                    f"第{record.row}行更新的活动在导入之后又被修改或删除了，无法撤销本批次；如需恢复，请逐条修改。"
                )
            if not access.covers(activity.org_unit, Action.ENTER):
                raise PermissionDeniedError(f"“{activity.org_unit.name}”的活动不在您的填报范围内。")
        reason = f"撤销导入：{batch.file_name}"
        cells = facts.cells_for(created)
        _bulk_delete(created, actor=actor, reason=reason)
        facts.refresh(cells)
        for record in records:
            services.activity_update(
                access=access,
                actor=actor,
                activity=Activity.objects.get(pk=record.object_id),
                data=_data_from_before(record.before),
                reason=reason,
            )


# ---- bulk writes (the same rows and history records the services leave, in a few statements) ----


def _insert(table: str, columns: list[str], rows: list[tuple], *, returning: str | None = None) -> list:
    """Multi-row INSERTs on SQLite (… RETURNING `returning`, in row order, as Django's own bulk_create
    relies on for SQLite ≥ 3.35), COPY on PostgreSQL, of values already adapted for the database. Django's
    bulk_create prepares every value through its field machinery and, on SQLite, sends at most 999
    parameters a statement; for a 100k-row import that costs more than reading and checking the file."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows, returning=returning)
    per_statement = max(1, (30000 if connection.vendor == "sqlite" else 60000) // len(columns))
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    # table and column names come from the models' meta, never from the file
    head = f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES "  # noqa: S608
    tail = f" RETURNING {connection.ops.quote_name(returning)}" if returning else ""
    ids: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            sql = head + ", ".join([marks] * len(part)) + tail
            cursor.execute(sql, [value for row in part for value in row])
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def _copy(table: str, columns: list[str], rows: list[tuple], *, returning: str | None) -> list:
    """PostgreSQL: COPY … FROM STDIN (about 4× a multi-row INSERT here); the ids are drawn from the
    column's sequence first, so they are known without RETURNING."""
    quote = connection.ops.quote_name
    ids: list = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), returning, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = [returning, *columns]
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        names = ", ".join(quote(c) for c in columns)
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:  # the psycopg cursor
            for row in rows:
                copy.write_row(row)
    return ids


def _bulk_create(chunk: list[tuple], *, actor, batch, reason: str) -> None:
    """New activities as `services.activity_create` leaves them: the row, its many-to-many rows,
    one "+" history record with the many-to-many rows attached."""
    ops = connection.ops
    now = timezone.now()
    stamp = ops.adapt_datetimefield_value(now)
    day = ops.adapt_datefield_value
    meta = Activity._meta
    columns = [meta.get_field(n).column for n in COMPACT_FIELDS] + [
        meta.get_field("created_by").column,
        meta.get_field("import_batch").column,
        meta.get_field("created_at").column,
        meta.get_field("updated_at").column,
    ]
    values = [
        (
            *[day(v) if i in _DATES_AT else v for i, v in enumerate(c[1:TARGETS_AT])],
            actor.pk,
            batch.pk,
            stamp,
            stamp,
        )
        for c in chunk
    ]
    ids = _insert(meta.db_table, columns, values, returning=meta.pk.column)
    History = Activity.history.model
    hmeta = History._meta
    hcolumns = [meta.pk.column, *columns] + [
        hmeta.get_field(n).column
        for n in ("history_date", "history_type", "history_user", "history_change_reason")
    ]
    history_ids = _insert(
        hmeta.db_table,
        hcolumns,
        [(pk, *row, stamp, "+", actor.pk, reason) for pk, row in zip(ids, values, strict=True)],
        returning=hmeta.pk.column,
    )
    for name, (column, _) in M2M.items():
        index = TARGETS_AT if name == "target_groups" else PARTNERS_AT
        pairs = [(pk, h, rel) for pk, h, c in zip(ids, history_ids, chunk, strict=True) for rel in c[index]]
        if not pairs:
            continue
        through = getattr(Activity, name).through._meta
        link_ids = _insert(
            through.db_table,
            [through.get_field("activity").column, column],
            [(pk, rel) for pk, _, rel in pairs],
            returning=through.pk.column,
        )
        m2m_history = services._m2m_history_model(name)._meta
        _insert(
            m2m_history.db_table,
            [m2m_history.get_field("history").column, "id", m2m_history.get_field("activity").column, column],
            [(h, link, pk, rel) for link, (pk, h, rel) in zip(link_ids, pairs, strict=True)],
        )


def _bulk_delete(queryset, *, actor, reason: str) -> None:
    """Delete `queryset`'s activities leaving one "-" history record each (with its many-to-many
    rows as they were), as `services.activity_delete` does, chunk by chunk."""
    History = Activity.history.model
    now = timezone.now()
    fields = [f.attname for f in Activity._meta.concrete_fields]
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start : start + CHUNK]
        rows = Activity.objects.filter(pk__in=chunk_ids).values(*fields)
        records = History.objects.bulk_create(
            [
                History(
                    history_date=now,
                    history_type="-",
                    history_user=actor,
                    history_change_reason=reason,
                    **row,
                )
                for row in rows
            ]
        )
        history_of = {r.id: r.history_id for r in records}
        for name, (column, _) in M2M.items():
            through = getattr(Activity, name).through
            links = list(
                through.objects.filter(activity_id__in=chunk_ids).values_list("id", "activity_id", column)
            )
            if links:
                m2m_history = services._m2m_history_model(name)
                m2m_history.objects.bulk_create(
                    [
                        m2m_history(history_id=history_of[a], id=link_id, activity_id=a, **{column: rel})
                        for link_id, a, rel in links
                    ]
                )
                through.objects.filter(activity_id__in=chunk_ids).delete()
        # a raw delete: the history records are written above (the collector would write one per
        # row through simple-history's signal), attachments were refused before, and nothing else
        # points at an activity
        Activity.objects.filter(pk__in=chunk_ids)._raw_delete(Activity.objects.db)


ACTIVITY_SPEC = register(
    ActivityImportSpec(
        key=ACTIVITIES.key,
        title=ACTIVITIES.label,
        description=ACTIVITIES.import_description,
        columns=COLUMNS,
        max_rows=100_000,
        action=Action.ENTER,
        example_rows=[{c.key: c.example for c in COLUMNS if c.example}],
    )
)
