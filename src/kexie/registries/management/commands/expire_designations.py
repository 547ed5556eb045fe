"""manage.py expire_designations: mark designations whose term has passed as 已到期 (run daily)."""

from django.core.management.base import BaseCommand

from kexie.registries.services import designations_expire_due


class Command(BaseCommand):
    help = "将有效期已过的称号/平台认定标记为“已到期”（每天运行一次即可；统计数字按日期计算，不受影响）。"

    def handle(self, *args, **options):
        n = designations_expire_due()
        self.stdout.write(f"已到期：{n}条")
