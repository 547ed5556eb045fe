"""Background jobs of the org tree (queue "default"): a unit merge run by the task worker, with the
scope of the membership the user acted in — the same service as the page and the command."""

from __future__ import annotations

import datetime as dt
import logging

from django.tasks import task

from kexie.core.errors import DomainError
from kexie.orgs import services
from kexie.orgs.models import Membership, OrgUnit
from kexie.orgs.scoping import access_for

log = logging.getLogger("kexie.orgs")


@task(queue_name="default")
def merge_units_task(membership_id: int, source_id: int, target_id: int, on: str) -> str:
    """Merge unit `source_id` into `target_id` on `on` (ISO date) as the holder of `membership_id`.
    Returns the summary, or the Chinese reason the merge was refused (nothing changed then)."""
    membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        return "已取消：发起合并的用户角色已不存在。"
    access = access_for(membership.user, membership_id)
    if access.active is None or access.active.membership_id != membership_id:
        return "已取消：发起合并的用户已停用。"
    try:
        result = services.orgunit_merge(
            access=access,
            source=OrgUnit.objects.get(pk=source_id),
            target=OrgUnit.objects.get(pk=target_id),
            on=dt.date.fromisoformat(on),
            actor=membership.user,
        )
    except DomainError as exc:
        log.info("merge %s → %s refused: %s", source_id, target_id, exc.message)
        return f"未合并：{exc.message}"
    return f"“{result.source.name}”已并入“{result.target.name}”，转移了{result.summary}。"
