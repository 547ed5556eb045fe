"""manage.py restore PATH: restore a backup archive into an empty install (or, with --force, over one)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从 manage.py backup 生成的归档恢复数据库与上传文件。只恢复到空系统；"
        "系统已有数据时须加 --force（会删除并覆盖全部现有数据）。恢复前请先停止网站与任务进程。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据（不可撤销）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, **options):
        try:
            result = restore_backup(Path(options["path"]), force=options["force"], using=options["database"])
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.summary())
