"""manage.py demo_logins: list the demo logins (username, role, unit) and their shared password."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kexie.orgs import demo


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、所属单位）及其密码（仅限开发环境）。"

    def handle(self, *args, **options):
        try:
            demo.require_demo_allowed()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        lines = demo.login_table(demo.demo_logins())
        if not lines:
            self.stdout.write("暂无可用的演示账号（可运行 manage.py seed_demo 加载演示数据）。")
            return
        for line in lines:
            self.stdout.write(line)
