"""Test data builders: org units (treebeard manager API), users with memberships."""

from __future__ import annotations

from kexie.accounts.models import User
from kexie.orgs import validators
from kexie.orgs.models import Membership, OrgType, OrgUnit

PASSWORD = "pw-for-tests-1"


def make_unit(parent: OrgUnit | None, code: str, name: str, org_type: str, region_code: str = "") -> OrgUnit:
    unit = OrgUnit(
        code=code,
        name=name,
        org_type=org_type,
        level=validators.level_for(org_type, parent),
        region_code=region_code,
        region_code_year=2023 if region_code else None,
    )
    if parent is None:
        return OrgUnit.objects.add_root(instance=unit)
    return OrgUnit.objects.add_child(OrgUnit.objects.get(pk=parent.pk), instance=unit)


def make_user(username: str, unit: OrgUnit, role: str, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=extra.pop("full_name", username), **extra
    )
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return user


def standard_tree() -> dict[str, OrgUnit]:
    """省→市→县→乡 with a second county, a second city and a 学会 branch (style.md's fixed cast)."""
    t: dict[str, OrgUnit] = {}
    t["province"] = make_unit(None, "340000", "安徽省科学技术协会", OrgType.PROVINCIAL, "340000")
    t["city"] = make_unit(t["province"], "340800", "安庆市科学技术协会", OrgType.MUNICIPAL, "340800")
    t["county"] = make_unit(t["city"], "340822", "怀宁县科学技术协会", OrgType.COUNTY, "340822")
    t["township"] = make_unit(t["county"], "340822100000", "高河镇科协", OrgType.TOWNSHIP, "340822100000")
    t["county2"] = make_unit(t["city"], "340881", "桐城市科学技术协会", OrgType.COUNTY, "340881")
    t["society"] = make_unit(t["city"], "340800-S01", "安庆市医学会", OrgType.SOCIETY)
    t["other_city"] = make_unit(t["province"], "341700", "池州市科学技术协会", OrgType.MUNICIPAL, "341700")
    t["other_county"] = make_unit(t["other_city"], "341702", "贵池区科学技术协会", OrgType.COUNTY, "341702")
    for unit in t.values():
        unit.refresh_from_db()
    return t


def make_activity(
    org_unit: OrgUnit,
    title: str = "科普讲座",
    start_date=None,
    *,
    activity_type: str = "lecture",
    campaign: str | None = None,
    target_groups: tuple[str, ...] = (),
    co_organisers: tuple[OrgUnit, ...] = (),
    **fields,
):
    """An activity written straight to the database (no service rules; history as simple-history
    writes it). `activity_type`, `campaign` and `target_groups` are codes; dates default to 2024-05-20."""
    import datetime as dt

    from kexie.activities.models import Activity, ActivityType, Campaign, TargetGroup

    start_date = start_date or dt.date(2024, 5, 20)
    fields.setdefault("end_date", start_date)
    activity = Activity.objects.create(
        org_unit=org_unit,
        title=title,
        start_date=start_date,
        activity_type=ActivityType.objects.get(code=activity_type),
        campaign=Campaign.objects.get(code=campaign) if campaign else None,
        **fields,
    )
    if target_groups:
        activity.target_groups.set(TargetGroup.objects.filter(code__in=target_groups))
    if co_organisers:
        activity.co_organisers.set(co_organisers)
    from kexie.activities import facts

    facts.refresh(facts.cells_for(Activity.objects.filter(pk=activity.pk)))  # as every write path does
    return activity
