"""manage.py seed_demo [--if-empty]: load the demo org tree and demo logins (development only)."""

from importlib import import_module

from django.apps import apps
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
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="不打印演示账号表（启动脚本随后用 demo_logins 打印）。",
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
            self.stdout.write(lines[1])
            for extend in demo_extensions():
                self.stdout.write(extend())
            if not options["no_logins"]:
                for line in lines[2:]:
                    self.stdout.write(line)
        else:
            self.stdout.write(lines[0])


def demo_extensions() -> list:
    """The `extend_demo()` functions of the other kexie apps' `demo` modules (records on the demo tree:
    activities, facts …), in INSTALLED_APPS order. The org tree comes first; orgs imports no record app."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kexie.") or config.name == "kexie.orgs":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "extend_demo"):
            found.append(module.extend_demo)
    return found
