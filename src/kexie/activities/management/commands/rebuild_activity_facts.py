"""manage.py rebuild_activity_facts — recompute the activity fact table from the activities.

Needed only after activities were written around the services (a restore from backup, a bulk load
by SQL); the services, the import and unit merges keep the facts current on every write.
"""

import time

from django.core.management.base import BaseCommand

from kexie.activities import facts


class Command(BaseCommand):
    help = "从活动记录重新计算活动月度汇总表（指标引擎读取的预汇总数据）。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = facts.rebuild()
        self.stdout.write(f"已重建活动月度汇总：{rows} 行，用时 {time.perf_counter() - started:.1f} 秒。")
