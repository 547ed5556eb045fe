"""Record type declarations: what a record type says about itself once, so that its pages, import,
export, history and provenance links can be derived from it (see the package docstring).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Q

from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Access, Action

# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class Field:
    """One field of a record type, named once. Label, kind, choices and whether it is required come
    from the model field unless given here. The same field is a form input, an import column and an
    export column (same label: the export re-imports cleanly), a line on the detail page and a line
    in the history's diffs."""

    name: str
    label: str = ""
    required: bool | None = None  # None: required when the model field is not blank
    aliases: tuple[str, ...] = ()  # other headers seen in the lists 科协s keep today
    help: str = ""
    example: str = ""
    placeholder: str = ""
    wide: bool = False  # a full row in the form
    form: bool = True
    columns: bool = True  # import and export column (the two are one: export is the inverse of import)
    detail: bool = True
    width: int = 18  # export column width
    # a foreign key to a list other than org units (e.g. a programme): the rows offered, and the field
    # that names a row in a spreadsheet (import reads it, export writes it)
    options: Callable[[Access], models.QuerySet] | None = None
    match: str = "name"
    also_match: tuple[str, ...] = ()  # other fields that name a row in a spreadsheet (e.g. "code")
    option_label: Callable[[models.Model], str] | None = None  # how the form's select shows a row
    # the import/export column, when it differs from the form's: its key (kept when a tuned importer
    # and saved corrections already name it), kind (e.g. "text" for 第七届 in an int field), help
    column_key: str = ""
    column_kind: str = ""
    column_help: str = ""
    max_length: int | None = None  # import column (and text input) limit, when the model has none
    # personal data (an ID number, a phone): its import column is sensitive (masked on the batch page,
    # sealed in what the pipeline stores) and the form never re-renders a typed whole value
    sensitive: bool = False

    def bind(self, model: type[models.Model]) -> BoundField:
        return BoundField(self, model._meta.get_field(self.name))


@dataclass(frozen=True)
class BoundField:
    """A declared field with its model field: what every generic piece reads."""

    decl: Field
    model_field: models.Field

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def label(self) -> str:
        return self.decl.label or str(self.model_field.verbose_name)

    @property
    def required(self) -> bool:
        if self.decl.required is not None:
            return self.decl.required
        if isinstance(self.model_field, models.BooleanField):
            return False
        return not (self.model_field.blank or self.model_field.null)

    @property
    def kind(self) -> str:
        """unit | fk | m2m | choice | bool | int | date | text | longtext | file. An m2m field
        (e.g. target groups, co-organising units) is several rows of a list: a multiple choice in the
        form, several names (units: 机构代码) separated by 、/，/, in import and export."""
        f = self.model_field
        if isinstance(f, models.ManyToManyField):
            return "m2m"
        if isinstance(f, models.ForeignKey) and f.related_model is OrgUnit:
            return "unit"
        if isinstance(f, models.ForeignKey):
            return "fk"
        if isinstance(f, models.BooleanField):
            return "bool"
        if f.choices:
            return "choice"
        if isinstance(f, models.FileField):
            return "file"
        if isinstance(
            f, (models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField)
        ):
            return "int"
        if isinstance(f, models.DateField):
            return "date"
        if isinstance(f, models.TextField):
            return "longtext"
        return "text"

    @property
    def of_units(self) -> bool:
        """An m2m field of org units (chosen in scope, written by 机构代码)."""
        return self.kind == "m2m" and self.model_field.related_model is OrgUnit

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in (self.model_field.choices or [])]

    @property
    def max_length(self) -> int | None:
        return self.decl.max_length or getattr(self.model_field, "max_length", None)

    @property
    def column_key(self) -> str:
        return self.decl.column_key or self.name

    @property
    def default(self) -> Any:
        """The model field's default (None when it has none or it is computed)."""
        value = self.model_field.default
        if value is models.NOT_PROVIDED or callable(value):
            return None
        return value

    def display(self, record: models.Model) -> str:
        """The value as people read it (choice labels, unit names, dates as 2024-05-01)."""
        if self.kind == "fk":
            related = getattr(record, self.name)
            return str(related) if related is not None else ""
        if self.kind == "m2m":
            return "、".join(str(getattr(r, "name", r)) for r in getattr(record, self.name).all())
        return self.display_value(getattr(record, self.name + ("_id" if self.kind == "unit" else "")))

    def display_value(self, value: Any) -> str:
        if value in (None, ""):
            return ""
        if self.kind == "unit":
            unit = value if isinstance(value, OrgUnit) else OrgUnit.objects.filter(pk=value).first()
            return unit.name if unit else str(value)
        if self.kind == "choice":
            return dict(self.choices).get(str(value), str(value))
        if self.kind == "m2m":
            return self._display_many(value)
        if self.kind == "fk":
            if isinstance(value, models.Model):
                return str(value)
            related = self.model_field.related_model._default_manager.filter(pk=value).first()
            return str(related) if related else str(value)
        if self.kind == "bool":
            return "是" if value else "否"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)

    def _display_many(self, value: Any) -> str:
        """Several related rows: objects, ids, or the through rows simple-history's diff gives
        ({"activity": 1, "targetgroup": 3})."""
        related = self.model_field.related_model
        column = related._meta.model_name
        ids, names = [], {}
        for item in value:
            if isinstance(item, models.Model):
                names[item.pk] = str(getattr(item, "name", item))
                ids.append(item.pk)
            else:
                ids.append(item.get(column) if isinstance(item, Mapping) else item)
        missing = [pk for pk in ids if pk not in names]
        if missing:
            names |= {
                r.pk: str(getattr(r, "name", r)) for r in related._default_manager.filter(pk__in=missing)
            }
        return "、".join(sorted(names.get(pk, f"#{pk}") for pk in ids))


# --------------------------------------------------------------------------- list filters


@dataclass(frozen=True)
class Filter:
    """One condition of a list, read from one GET parameter — the same parameter the page's filter
    bar writes, the engine's provenance links write (`Declaration.list_link()`) and the API will read.

    kind: text (any of `lookups` contains the words), choice (one value of `choices` or `options`;
    with `many`, several separated by commas), flag ("1"/"0": `lookup` is true/false; `choices` gives
    the two labels), int, date (a day, e.g. "in force on"; `q` turns it into a condition), period (a
    kexie.core.periods period; `q` turns it into a condition), unit (an OrgUnit id in scope: that unit
    and its subtree; an id outside the scope is a 404 like any object outside it), own ("1": only the
    unit's own records), model (an id of a related row among `options`).

    A choice or model filter with `null_lookup` also takes "none" (records without one) and "any"
    (records with one), alone or among other values ("st_week,none"). `default` is the value read
    when the parameter is absent (e.g. status=held), `everything` a value that lifts the condition
    (status=all), `base_value` the value the engine's record type already applies as its base filter
    (the list's totals then ask the engine for its usual records). A `hidden` filter is read from
    links but shown in the filter bar only when given.
    """

    name: str
    label: str
    kind: str
    lookup: str = ""  # the record's field the filter compares (choice, int, model, flag)
    many: bool = False  # choice: several values separated by commas ("national,provincial"), any of them
    lookups: tuple[str, ...] = ()  # text: fields searched
    choices: Sequence[tuple[str, str]] = ()  # choice (the values accepted); flag: labels of "1" and "0"
    options: Callable[[Access], Sequence[tuple[Any, str]]] | None = None  # a select's options (data)
    q: Callable[[Any], Q] | None = None  # custom condition for the cleaned value
    # names of other filters whose cleaned values `q` also receives, as keywords (None when not
    # given): a condition that depends on another one, e.g. an evaluation grade of the given year
    q_with: tuple[str, ...] = ()
    placeholder: str = ""
    min_value: int | None = None
    max_value: int | None = None
    max_length: int = 50  # text
    error: str = ""  # message for a value of the wrong form; "%(value)s" is the value given
    link_values: Mapping[Any, str] | None = None  # for list_link(): engine value → parameter (choices)
    default: str = ""
    everything: str = ""
    base_value: str = ""
    null_lookup: str = ""
    none_label: str = "未填写"
    any_label: str = "任一"
    hidden: bool = False
    help: str = ""
    max_values: int | None = None  # many: at most this many values
    outside_404: bool = False  # unit: a unit outside the scope is a 404 (else a message on the bar)
    # period: the kinds of period the condition can tell apart; the list offers shortcuts (今年, 去年,
    # 本季度, 本月) for these only (a filter on a year column takes ("year",))
    period_kinds: tuple[str, ...] = ("year", "quarter", "month")


NONE, ANY = "none", "any"


@dataclass(frozen=True)
class Sort:
    """An order the list offers (`sort` parameter); the declaration's first one is the default."""

    value: str
    label: str
    ordering: tuple[str, ...]


@dataclass(frozen=True)
class ListTotal:
    """A figure above the list, computed by the indicator engine for the list's filters (when they can
    be said to the engine: a `period` filter given, no other date filter), linking to its records."""

    indicator: str  # an indicator code of kexie.indicators
    label: str
    key: str = ""  # its name among the page's totals (totals["count"]); default: the indicator code


@dataclass(frozen=True)
class ListColumn:
    """A column of the list table: a declared field's display, or `render(record)` (may be safe HTML)."""

    label: str
    field: str = ""
    render: Callable[[models.Model], Any] | None = None
    link: bool = False  # the cell links to the record's detail page
    css: str = ""  # e.g. "d-none d-md-table-cell"


# --------------------------------------------------------------------------- attachments


@dataclass(frozen=True)
class InlineFile:
    """A single file kept on the record itself (model FileField plus its original name, size and type
    fields) — e.g. a fact's 来源文件. The form offers an upload and a remove box; the services store it."""

    key: str  # URL segment and URL name of the download ("source": /facts/7/source/)
    field: str
    label: str
    upload_key: str  # the services' data key for a new upload
    remove_key: str  # the services' data key for "remove the stored file"
    name_field: str
    size_field: str
    type_field: str
    help: str = ""


@dataclass(frozen=True)
class AttachmentSlot:
    """A kind of file a record may carry any number of (kept in records.Attachment), e.g. 申报书."""

    key: str
    label: str
    kinds: tuple[str, ...] = ("pdf", "docx", "xlsx", "jpeg", "png", "webp")  # core.uploads.FILE_TYPES keys
    help: str = ""


# --------------------------------------------------------------------------- the declaration


@dataclass(frozen=True)
class Texts:
    """What each page says (Chinese): what it is for and what to do next."""

    intro: str  # list page, one or two sentences
    create: str  # the create button / page title, e.g. 登记荣誉与排名
    empty_can_enter: str
    empty_hint_can_enter: str
    empty: str
    empty_hint: str
    form_hint: str = ""  # under the form
    empty_filtered: str = ""  # the list is empty under the filters (default: 没有符合筛选条件的{label})
    noun: str = "记录"  # 这条{noun}


@dataclass(frozen=True)
class Declaration:
    """A record type, declared once. Services and selectors stay the record app's own; the
    declaration names them:

    - create(access=, actor=, values=dict) → record; update(access=, actor=, record=, values=dict) →
      record; delete(access=, actor=, record=) — the record app's services (raise DomainError with
      `field` set to a declared field name);
    - validate(access=, values=dict) → None or DomainError: the services' checks without writing
      (the import's preview uses it, so a row gets the form's messages);
    - get(access=, pk=, action=) → record or 404 and list_queryset(access=) → the scoped queryset,
      from the record app's selectors.
    """

    key: str  # import spec key and the name in the records registry
    model: type[models.Model]
    label: str  # 荣誉与排名
    namespace: str  # URL namespace of the pages ("facts")
    section: str  # breadcrumb above the list ("统计报表")
    fields: tuple[Field, ...]
    filters: tuple[Filter, ...]
    columns: tuple[ListColumn, ...]
    texts: Texts
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    delete: Callable[..., None] | None
    validate: Callable[..., None]
    get: Callable[..., models.Model]
    list_queryset: Callable[..., models.QuerySet]
    title: Callable[[models.Model], str] = str
    natural_key: tuple[str, ...] = ()  # import: a row with these values updates that record
    files: tuple[InlineFile, ...] = ()
    attachments: tuple[AttachmentSlot, ...] = ()
    totals: tuple[ListTotal, ...] = ()
    create_extras: tuple[tuple[str, Callable[[], Any]], ...] = ()  # form-only inputs of the create page
    detail_extra: str = ""  # a template included on the detail page (record-specific panels)
    detail_context: Callable[..., dict] | None = None  # (access=, record=) → context for detail_extra
    org_field: str = "org_unit"
    version_field: str = "updated_at"  # changes on every save: the "form opened at" stamp
    history_hidden: frozenset[str] = frozenset({"created_at", "updated_at", "created_by"})
    enter_action: Action = Action.ENTER
    page_size: int = 30
    ordering: tuple[str, ...] = ("-pk",)
    workflow: str = ""  # a kexie.workflows workflow: its panel shows on the detail page
    import_description: str = ""
    # more note lines above the exported table: export_notes(values=, totals=[(label, Value)])
    export_notes: Callable[..., list[str]] | None = None
    sorts: tuple[Sort, ...] = ()  # the list's orders (first: default); none: `ordering`
    all_time: str = ""  # a period string: the totals of a list without a period filter use it
    links: tuple[tuple[str, str], ...] = ()  # more pages of the record type: (label, URL name)
    # undo a deletion: restore(access=, actor=, pk=) → record; deleted(access=) → the deletion
    # history records in scope (the 已删除 page and its 恢复 buttons are derived from them)
    restore: Callable[..., models.Model] | None = None
    deleted: Callable[..., Any] | None = None
    delete_reason: bool = False  # the delete page asks for a reason (kept in the history)
    # can_delete(record) → False: the detail page offers no 删除 for this record (granted, in review,
    # counted…); the delete service still refuses it on its own — this only spares a dead-end button
    can_delete: Callable[[models.Model], bool] | None = None
    export_extra: tuple[tuple[str, Callable[[models.Model], Any], int], ...] = ()  # (header, value, width)
    prefetch: tuple[str, ...] = ()  # the list and the export prefetch these (m2m columns)
    # attachments: one upload of several files, each put in the slot its type belongs to (photos,
    # documents) instead of one upload per slot; at most `max_attachments` per record
    attachments_by_type: bool = False
    max_attachments: int | None = None

    @cached_property
    def bound_fields(self) -> tuple[BoundField, ...]:
        return tuple(f.bind(self.model) for f in self.fields)

    def field(self, name: str) -> BoundField:
        for f in self.bound_fields:
            if f.name == name:
                return f
        raise LookupError(f"{self.key} declares no field {name!r}")

    @property
    def form_fields(self) -> tuple[BoundField, ...]:
        return tuple(f for f in self.bound_fields if f.decl.form and f.kind != "file")

    @property
    def column_fields(self) -> tuple[BoundField, ...]:
        """The import columns, which are also the export columns, in this order."""
        return tuple(f for f in self.bound_fields if f.decl.columns and f.kind != "file")

    @property
    def model_name(self) -> str:
        """activity: the list rows carry data-activity="<pk>" (and data-record) for tests and scripts."""
        return self.model._meta.model_name

    @property
    def table_testid(self) -> str:
        """The list table's wrapper in browser tests, e.g. activity-table."""
        return f"{self.model_name}-table"

    def ordering_for(self, sort: str) -> tuple[str, ...]:
        for s in self.sorts:
            if s.value == sort:
                return s.ordering
        return self.sorts[0].ordering if self.sorts else self.ordering

    def filter(self, name: str) -> Filter:
        for f in self.filters:
            if f.name == name:
                return f
        raise LookupError(f"{self.key} declares no filter {name!r}")

    def url(self, name: str, *args) -> str:
        from django.urls import reverse

        return reverse(f"{self.namespace}:{name}", args=args)


_REGISTRY: dict[str, Declaration] = {}


def register(declaration: Declaration) -> Declaration:
    """Register a record type (from its app's AppConfig.ready()); also registers its import spec."""
    from kexie.imports.specs import get_spec
    from kexie.imports.specs import register as register_spec
    from kexie.records.importing import DeclaredImportSpec

    if _REGISTRY.get(declaration.key, declaration) is not declaration:
        raise ValueError(f"record type {declaration.key!r} is already registered")
    _REGISTRY[declaration.key] = declaration
    if get_spec(declaration.key) is None:
        register_spec(DeclaredImportSpec.for_declaration(declaration))
    return declaration


def declaration(key: str) -> Declaration:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise LookupError(f"unknown record type {key!r}") from None


def declarations() -> dict[str, Declaration]:
    return dict(_REGISTRY)


def replace(declaration: Declaration, **changes) -> Declaration:
    return dataclasses.replace(declaration, **changes)
