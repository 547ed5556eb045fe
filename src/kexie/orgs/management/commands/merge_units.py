"""manage.py merge_units SOURCE_CODE TARGET_CODE --on 2025-06-30 --user USERNAME: merge a unit into
another outside the browser (the same service as the page, with the user's scope)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kexie.accounts.models import User
from kexie.core.errors import DomainError
from kexie.orgs import services
from kexie.orgs.models import OrgUnit
from kexie.orgs.scoping import Action, access_for


def access_covering(user: User, *units: OrgUnit):
    """The user's Access through the first of its memberships (highest unit first) whose subtree
    holds every one of `units` with the right to manage; None when there is no such membership."""
    for grant in access_for(user).grants:
        access = access_for(user, grant.membership_id)
        if all(access.covers(unit, Action.MANAGE) for unit in units):
            return access
    return None


class Command(BaseCommand):
    help = "把一个单位并入另一个单位（与页面上的“合并”相同：下级单位、记录和用户角色一并转移，原单位撤销）。"

    def add_arguments(self, parser):
        parser.add_argument("source", help="被合并单位的机构代码")
        parser.add_argument("target", help="并入单位的机构代码")
        parser.add_argument("--on", required=True, help="合并日期，如 2025-06-30")
        parser.add_argument("--user", required=True, help="执行合并的用户名（须为两个单位的管理员）")

    def handle(self, *args, source, target, on, user, **options):
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise CommandError(f"合并日期“{on}”无法识别，请写成 2025-06-30 的形式。") from None
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"找不到已启用的用户“{user}”。")
        units = {}
        for role, code in (("被合并单位", source), ("并入单位", target)):
            units[role] = OrgUnit.objects.filter(code=code.strip()).first()
            if units[role] is None:
                raise CommandError(f"找不到{role}的机构代码“{code}”。")
        access = access_covering(actor, *units.values())
        if access is None:
            raise CommandError(f"用户“{user}”不是同时管理这两个单位的管理员，不能合并。")
        try:
            result = services.orgunit_merge(
                access=access, source=units["被合并单位"], target=units["并入单位"], on=day, actor=actor
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"“{result.source.name}”已并入“{result.target.name}”，转移了{result.summary}。")
