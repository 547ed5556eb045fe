"""manage.py backup PATH: one consistent archive of the database and the uploaded files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "备份数据库与上传文件到一个归档文件（.tar.gz，含清单：每张表的记录数与校验值、每个文件的校验值）。"
        "PATH 为文件名，或一个目录（在其中生成带日期的文件名）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径，或存放备份的目录")
        parser.add_argument(
            "--format",
            choices=["native", "json"],
            default="native",
            help="native：SQLite 在线备份 / PostgreSQL 的 pg_dump（默认）；json：可在 SQLite 与 PostgreSQL 之间迁移",
        )
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, **options):
        try:
            result = create_backup(Path(options["path"]), fmt=options["format"], using=options["database"])
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(result.summary())
        self.stdout.write(str(result.path))
