"""Reads of import batches, scoped like everything else."""

from django.db.models import QuerySet

from kexie.imports.models import ImportBatch
from kexie.orgs.scoping import Access, Action, get_in_scope, register_scoped, scope

register_scoped(ImportBatch, via="org_unit")


def batch_list(*, access: Access, spec: str | None = None) -> QuerySet[ImportBatch]:
    qs = scope(ImportBatch.objects.select_related("created_by", "org_unit"), access, Action.VIEW)
    return qs.filter(spec=spec) if spec else qs


def batch_get(*, access: Access, pk: int, action: Action = Action.VIEW) -> ImportBatch:
    return get_in_scope(ImportBatch.objects.select_related("created_by", "org_unit"), access, action, pk=pk)
