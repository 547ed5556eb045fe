"""How 荣誉与排名 move when their unit is merged into another (kexie.orgs.merging): every fact of the
source moves to the target (one UPDATE, a "~" history record each), as the target continues the
source's work. Facts have no natural key, so nothing can clash."""

from __future__ import annotations

import datetime as dt

from kexie.facts.models import Fact
from kexie.orgs.merging import merge_reason, move_rows, register_merge_handler
from kexie.orgs.models import OrgUnit


def merge_facts(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    return move_rows(Fact.objects.filter(org_unit=source), target, reason=merge_reason(source, target))


def count_facts(source: OrgUnit) -> int:
    return Fact.objects.filter(org_unit=source).count()


register_merge_handler("荣誉与排名", merge_facts, count=count_facts)
