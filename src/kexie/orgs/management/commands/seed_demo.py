"""manage.py seed_demo [--if-empty]: load the demo org tree and demo logins (development only)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kexie.orgs import demo
from kexie.orgs.models import OrgUnit


class Command(BaseCommand):
    help = "加载演示数据：中国科协→安徽/湖北/陕西→6个市→真实县区→乡镇街道，以及学会、企业、高校、园区科协和演示账号（仅限开发环境）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有组织机构时直接跳过，不报错（适合在启动脚本中使用）。",
        )

    def handle(self, *args, **options):
        try:
            demo.require_demo_allowed()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if not options["if_empty"] and OrgUnit.objects.exists():
            raise CommandError(
                "数据库中已有组织机构，未加载演示数据。演示数据只能加载到空数据库；"
                "如只想在空库时加载，请加 --if-empty。"
            )
        try:
            summary = demo.build_demo()
        except ImproperlyConfigured as exc:  # e.g. a demo username is already taken
            raise CommandError(str(exc)) from exc
        lines = summary.lines()
        if summary.created:
            self.stdout.write(self.style.SUCCESS(lines[0]))
            for line in lines[1:]:
                self.stdout.write(line)
        else:
            self.stdout.write(lines[0])
