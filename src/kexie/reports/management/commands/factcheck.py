"""manage.py factcheck PATH… [--unit CODE] [--period P] [--format json|text]: the fact-check in batch.

Reads .txt (UTF-8, or GB18030 as Chinese Windows saves it) and .docx files and prints one line per
figure. Without --unit it only maps (indicator, period; every verdict "unchecked") and needs no
records: a freshly migrated database is enough. With --unit it computes every mapped figure for that
unit's subtree, as the 数字核对 page does for a user with a 查看者 role at the unit.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kexie.core.errors import DomainError
from kexie.orgs.models import OrgUnit, Role
from kexie.orgs.scoping import Access, Grant
from kexie.reports.factcheck.services import Claim, check_text, map_text, read_docx

KEYS = (
    "file", "start", "end", "text", "kind", "value", "low", "high", "unit", "qualifier", "indicator",
    "indicator_name", "period", "unit_code", "verdict", "computed", "reason",
)  # fmt: skip


def _number(d) -> str | None:
    if d is None:
        return None
    d = Decimal(d)
    return format(d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1)), "f")


def claim_row(file: str, claim: Claim, unit_code: str | None) -> dict:
    """One figure as the command prints it (the keys of KEYS, in that order)."""
    q = claim.found.quantity
    m = claim.mapping
    return {
        "file": file,
        "start": claim.found.start,
        "end": claim.found.end,
        "text": claim.text,
        "kind": claim.found.kind,
        "value": _number(q.stated) if q else None,
        "low": _number(q.low) if q else None,
        "high": _number(q.high) if q else None,
        "unit": q.unit if q else "",
        "qualifier": q.qualifier if q else "",
        "indicator": m.indicator,
        "indicator_name": claim.indicator.name if claim.indicator else None,
        "period": str(m.period) if m.indicator and m.period else None,
        "unit_code": unit_code if m.indicator else None,
        "verdict": claim.verdict.value,
        "computed": _number(claim.value) if claim.value is not None else None,
        "reason": claim.reason,
    }


def _read(path: Path) -> str:
    if not path.is_file():
        raise CommandError(f"找不到文件：{path}")
    data = path.read_bytes()
    if path.suffix.lower() == ".docx":
        try:
            return read_docx(SimpleUploadedFile(path.name, data))
        except DomainError as exc:
            raise CommandError(f"{path}：{exc.message}") from None
    if path.suffix.lower() != ".txt":
        raise CommandError(f"{path}：只能读取 .txt 或 .docx 文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"{path}：不是 UTF-8 或 GB18030 编码的文本文件。")


def _access_at(unit: OrgUnit) -> Access:
    """A read-only view of `unit`'s subtree for this operator command (no user account involved)."""
    grant = Grant(
        membership_id=0, unit_id=unit.pk, unit_path=unit.path, unit_name=unit.name, role=Role.VIEWER
    )
    return Access(user_id=0, grants=(grant,), active=grant)


class Command(BaseCommand):
    help = "核对报告文字中的数字：每个数字一行（JSON 或文字），写明对应的指标、期间和结论。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt 或 .docx 文件")
        parser.add_argument("--unit", help="按这个单位（机构代码）及其下级的记录核对；不填则只识别指标")
        parser.add_argument("--period", help="报告期间，如 2024 或 2019..2023（默认：今年）")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, paths, unit=None, period=None, format="json", **options):
        period = period or str(timezone.localdate().year)
        org = None
        if unit:
            org = OrgUnit.objects.filter(code=unit).first()
            if org is None:
                raise CommandError(f"没有机构代码为“{unit}”的单位。")
        for raw in paths:
            path = Path(raw)
            text = _read(path)
            try:
                if org is None:
                    claims = map_text(text=text, period=period)
                else:
                    claims = check_text(access=_access_at(org), text=text, period=period, unit=org).claims
            except DomainError as exc:
                raise CommandError(f"{path}：{exc.message}") from None
            for claim in claims:
                row = claim_row(str(raw), claim, org.code if org else None)
                if format == "json":
                    self.stdout.write(json.dumps(row, ensure_ascii=False))
                else:
                    self.stdout.write(_text_line(row))


def _text_line(row: dict) -> str:
    where = f"{row['file']}:{row['start']}-{row['end']}"
    if row["indicator"]:
        what = f"{row['indicator_name']}（{row['indicator']}）· {row['period']}"
        if row["verdict"] != "unchecked":
            return f"{where}  {row['text']}  → {what} · 按记录：{row['computed']} · {_LABELS[row['verdict']]}"
        return f"{where}  {row['text']}  → {what} · {row['reason']}"
    return f"{where}  {row['text']}  → 无法核对：{row['reason']}"


_LABELS = {"consistent": "一致", "inconsistent": "不一致", "unchecked": "无法核对"}
