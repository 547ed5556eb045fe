"""How import batches (导入记录) move when their unit is merged into another (kexie.orgs.merging).

The batches follow the unit's people to the target (one UPDATE), so that they can still open,
correct and roll back their imports; the activities a batch wrote move with their own handler and
carry a newer change stamp, so rolling back a batch from before the merge is refused with the
record named (as for any record changed after its import). A merge waits while a batch of the
source is being checked or written in the background."""

from __future__ import annotations

import datetime as dt

from kexie.core.errors import DomainError
from kexie.imports.models import ImportBatch
from kexie.orgs.merging import move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit


def merge_batches(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    running = (
        ImportBatch.objects.filter(org_unit=source, status__in=ImportBatch.RUNNING).order_by("pk").first()
    )
    if running is not None:
        raise DomainError(
            f"无法合并：“{source.name}”的导入批次“{running.file_name}”正在{running.get_status_display()}，"
            "请等它完成或取消后再合并。"
        )
    return move_rows(ImportBatch.objects.filter(org_unit=source), target, stamp=None)


def count_batches(source: OrgUnit) -> int:
    return ImportBatch.objects.filter(org_unit=source).count()


register_merge_handler("导入记录", merge_batches, count=count_batches)
