"""Writes of reports: generate a draft, save an edited paragraph as a new version, restore a version,
request the PDF. Each is one transaction; bad input raises DomainError with a Chinese message."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kexie.core.background import is_stalled_q
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.orgs.scoping import Access, Action
from kexie.orgs.selectors import orgunit_get
from kexie.reports import editing
from kexie.reports.document import block_text, find_block
from kexie.reports.generator import generate
from kexie.reports.models import Report, ReportVersion
from kexie.reports.selectors import can_write, latest_version, write_action

TITLE_ID = "title"


def _require_write(access: Access, unit) -> None:
    if not can_write(access) or not access.covers(unit, write_action(access)):
        raise PermissionDeniedError("您没有生成或修改该单位报告的权限。")


def _require_draft(report: Report) -> None:
    if report.status == Report.Status.FINAL:
        raise DomainError("报告已定稿，不能再修改；如需修改，请先在报告页“改回草稿”。", code="final")


def report_set_status(*, access: Access, report: Report, status: str) -> Report:
    """定稿 / 改回草稿: a final report is not edited (its versions stay as they are)."""
    _require_write(access, report.org_unit)
    if status not in Report.Status.values:
        raise DomainError("未知的报告状态。")
    Report.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


def report_create(
    *, access: Access, actor, template_key: str, unit_id: int, period: str, options: dict | None = None
) -> Report:
    """生成报告: generate the draft from the engine and store it as version 1."""
    unit = orgunit_get(access=access, pk=unit_id)
    _require_write(access, unit)
    draft = generate(access, template_key, unit, period, options=options)
    with transaction.atomic():
        report = Report.objects.create(
            org_unit=unit,
            template=draft.template,
            period=draft.period,
            options=draft.options,
            title=draft.title[:200],
            created_by=actor,
        )
        ReportVersion.objects.create(
            report=report, number=1, body=draft.body, author=actor, note="系统生成初稿"
        )
    return report


@dataclass
class Saved:
    version: ReportVersion
    changed: bool
    linked: list[dict]
    unlinked: list[dict]


def _new_version(report: Report, latest: ReportVersion, body: dict, actor, note: str) -> ReportVersion:
    try:
        with transaction.atomic():
            version = ReportVersion.objects.create(
                report=report, number=latest.number + 1, body=body, author=actor, note=note[:200]
            )
    except IntegrityError:  # another save took this number first
        raise DomainError("报告刚被他人保存了新版本，请刷新页面后再修改。", code="conflict") from None
    report.title = body["title"][:200]
    report.save(update_fields=["title", "updated_at"])
    return version


def _excerpt(block: dict, length: int = 16) -> str:
    text = block_text(block)
    return text if len(text) <= length else text[:length] + "…"


def block_save(
    *, access: Access, actor, report: Report, block_id: str, text: str, base_number: int, note: str = ""
) -> Saved:
    """保存修改: apply the user's text to one block (or the title) of the latest version as a new version.

    `base_number` is the version the user edited; when that block changed since then (someone else
    saved it), the save is refused rather than overwriting their text. Saving unchanged text makes no
    version. Emptying a paragraph or heading removes it.
    """
    _require_write(access, report.org_unit)
    _require_draft(report)
    note = editing._clean(note, 200, "说明")
    with transaction.atomic():
        latest = latest_version(report=report)
        base = report.versions.filter(number=base_number).first()
        if base is None:
            raise DomainError("要修改的版本不存在，请刷新页面。")
        body = copy.deepcopy(latest.body)
        if block_id == TITLE_ID:
            if base.body["title"] != latest.body["title"]:
                raise DomainError("标题已被他人修改，请刷新页面后再改。", code="conflict")
            title = editing._clean(text, 200, "标题")
            if not title:
                raise DomainError("标题不能为空。", field="text")
            if title == latest.body["title"]:
                return Saved(latest, False, [], [])
            body["title"] = title
            return Saved(_new_version(report, latest, body, actor, note or "修改标题"), True, [], [])
        block = find_block(body, block_id)
        if block is None:
            raise DomainError("该段落已在新版本中删除，请刷新页面。", code="conflict")
        if not editing.same_block(find_block(base.body, block_id), block):
            raise DomainError("该段落已被他人修改，请刷新页面后再改。", code="conflict")
        edited = editing.apply_edit(block, text)
        if edited.block is not None and editing.same_block(edited.block, block):
            return Saved(latest, False, edited.linked, edited.unlinked)
        position = body["blocks"].index(block)
        what = "小标题" if block["kind"] == "heading" else "段落"
        if edited.block is None:
            body["blocks"].remove(block)
            default_note = f"删除{what}“{_excerpt(block)}”"
        else:
            body["blocks"][position] = edited.block
            default_note = f"修改{what}“{_excerpt(edited.block)}”"
        version = _new_version(report, latest, body, actor, note or default_note)
    return Saved(version, True, edited.linked, edited.unlinked)


def version_restore(*, access: Access, actor, report: Report, number: int) -> ReportVersion:
    """恢复版本: a new version whose body is that of version `number` (history is never rewritten)."""
    _require_write(access, report.org_unit)
    _require_draft(report)
    with transaction.atomic():
        old = report.versions.filter(number=number).first()
        if old is None:
            raise DomainError(f"第{number}版不存在。")
        latest = latest_version(report=report)
        if old.number == latest.number:
            raise DomainError("这已经是最新版本，无需恢复。")
        return _new_version(report, latest, copy.deepcopy(old.body), actor, f"恢复第{number}版")


def pdf_request(*, access: Access, version: ReportVersion) -> bool:
    """Mark a version's PDF as pending; True when the caller should enqueue the rendering task
    (False when it is already being rendered or ready). A request that stalled (KEXIE_TASK_STALLED_MINUTES
    without a result) may be made again."""
    if not access.covers(version.report.org_unit, Action.EXPORT):
        raise PermissionDeniedError("您没有导出该报告的权限。")
    Pdf = ReportVersion.PdfStatus
    now = timezone.now()
    stalled = Q(pdf_status=Pdf.PENDING) & is_stalled_q("pdf_requested_at", now=now)
    updated = ReportVersion.objects.filter(
        Q(pdf_status__in=[Pdf.NONE, Pdf.FAILED]) | stalled, pk=version.pk
    ).update(pdf_status=Pdf.PENDING, pdf_error="", pdf_requested_at=now)
    return bool(updated)
