"""Reads of reports and versions — always through the scoping mechanism."""

from __future__ import annotations

from django.db.models import QuerySet

from kexie.orgs.scoping import Access, Action, get_in_scope, scope
from kexie.reports.models import Report, ReportVersion


def write_action(access: Access) -> Action:
    """Generating and editing reports is 填报 (ENTER) work; unit 管理员 (MANAGE) may do it too."""
    return Action.ENTER if access.can(Action.ENTER) else Action.MANAGE


def can_write(access: Access) -> bool:
    return access.can(Action.ENTER) or access.can(Action.MANAGE)


def report_list(*, access: Access, action: Action = Action.VIEW) -> QuerySet[Report]:
    return scope(Report.objects.select_related("org_unit", "created_by"), access, action)


def report_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> Report:
    return get_in_scope(Report.objects.select_related("org_unit"), access, action, pk=pk)


def version_list(*, report: Report) -> QuerySet[ReportVersion]:
    """Versions of a report already fetched through `report_get` (so already in scope)."""
    return report.versions.select_related("author").order_by("-number")


def latest_version(*, report: Report) -> ReportVersion:
    return report.versions.select_related("author").order_by("-number").first()


def version_get(
    *, access: Access, report_pk: int, number: int, action: Action = Action.VIEW
) -> ReportVersion:
    return get_in_scope(
        ReportVersion.objects.select_related("report__org_unit", "author"),
        access,
        action,
        report_id=report_pk,
        number=number,
    )


def version_for_rendering(*, version_id: int) -> ReportVersion:
    """System context for the background PDF task: the request that enqueued it was access-checked
    (EXPORT on the report's unit); the worker has no user and reads the one version it was given."""
    return ReportVersion.objects.select_related("report__org_unit").get(pk=version_id)
