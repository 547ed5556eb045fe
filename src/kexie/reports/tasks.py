"""Background jobs of reports: PDF rendering (WeasyPrint takes seconds), on the queue "reports"."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.tasks import task

from kexie.reports import exports
from kexie.reports.models import ReportVersion
from kexie.reports.selectors import version_for_rendering

log = logging.getLogger("kexie.reports")


@task(queue_name="reports")
def render_pdf(version_id: int) -> str:
    """Render one version's PDF and store it on the version; the page polls its status."""
    version = version_for_rendering(version_id=version_id)
    try:
        data = exports.render_pdf(version.body, version_label=f"第{version.number}版")
    except Exception as exc:  # a failed rendering must be visible on the page, not stay "pending" forever
        log.exception("PDF rendering failed for report version %s", version_id)
        ReportVersion.objects.filter(pk=version.pk).update(
            pdf_status=ReportVersion.PdfStatus.FAILED, pdf_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        return "failed"
    version.pdf.save(f"report-{version.report_id}-v{version.number}.pdf", ContentFile(data), save=False)
    version.pdf_status = ReportVersion.PdfStatus.READY
    version.save(update_fields=["pdf", "pdf_status"])
    return version.pdf.name
