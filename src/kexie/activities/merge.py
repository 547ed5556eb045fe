"""How activities move when their organiser is merged into another unit (kexie.orgs.merging).

Every activity of the source moves to the target in one UPDATE, each with one "~" history record
(its many-to-many rows attached, as the services leave them); the fact cells of the source and of
the target for the months concerned are recomputed in the same transaction (`facts.refresh`).
Links naming the source as co-organiser (协办单位) point at the target instead, or go where the target
already organises or co-organises the activity. Campaigns and activity types the source set up (local 活动品牌, 活动类型) move with
it, so that its activities may keep them.

Refused before anything is written, with both records named: two activities that would share the
natural key 主办单位 + 活动名称 + 开始日期 at the target, and an activity with a local campaign of a unit
the target does not belong to.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from kexie.activities import facts
from kexie.activities.models import Activity, ActivityType, Campaign
from kexie.activities.services import M2M_FIELDS, _m2m_history_model
from kexie.core.errors import DomainError
from kexie.orgs.merging import merge_actor, merge_reason, register_merge_handler
from kexie.orgs.models import OrgUnit

CHUNK = 2000


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _describe(activity: Activity, unit: OrgUnit) -> str:
    return f"“{unit.name}”的活动“{activity.title}”（{_day(activity.start_date)}开始，编号{activity.pk}）"


def _refuse_clashes(source: OrgUnit, target: OrgUnit) -> None:
    # (title, start_date) held by both units: one GROUP BY over the two units' activities (the key is
    # unique within a unit), whose cost follows their number whatever plan the database picks — a
    # correlated EXISTS took 21 s for 10,000 into 10,000 activities on PostgreSQL without statistics
    pairs = (
        Activity.objects.filter(org_unit__in=[source.pk, target.pk])
        .values("title", "start_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("start_date", "title")
    )
    first = pairs.first()
    if first is None:
        return
    key = {"title": first["title"], "start_date": first["start_date"]}
    mine = Activity.objects.get(org_unit=source, **key)
    other = Activity.objects.get(org_unit=target, **key)
    more = pairs.count() - 1
    raise DomainError(
        f"无法合并：{_describe(mine, source)}与{_describe(other, target)}的主办单位、活动名称和开始日期"
        f"合并后将完全相同。{f'另有{more}组活动同样重复。' if more else ''}"
        "请先修改其中一条的活动名称或删除重复的记录，再进行合并。"
    )


# the managed lists a unit can set up for its subtree: (activity field, list label)
LOCAL_LISTS = (("campaign", "活动品牌"), ("activity_type", "活动类型"))


def _refuse_foreign_lists(source: OrgUnit, target: OrgUnit) -> None:
    """A local campaign or activity type applies to the subtree of the unit that set it up; after the
    merge the target organises the activities, so that unit must be the target or above it."""
    for field, label in LOCAL_LISTS:
        used = (
            Activity.objects.filter(org_unit=source, **{f"{field}__org_unit__isnull": False})
            .exclude(**{f"{field}__org_unit": source})
            .select_related(f"{field}__org_unit")
            .order_by("start_date", "pk")
        )
        seen: set[int] = set()
        for activity in used.iterator():
            item = getattr(activity, field)
            if item.pk in seen:
                continue
            seen.add(item.pk)
            if not target.path.startswith(item.org_unit.path):
                raise DomainError(
                    f"无法合并：{_describe(activity, source)}使用了“{item.org_unit.name}”设立的{label}"
                    f"“{item.name}”，并入“{target.name}”后该{label}不再适用。请先修改这些活动的{label}，再进行合并。"
                )


def _refuse_type_name_clash(source: OrgUnit, target: OrgUnit) -> None:
    """The source's own activity types move to the target, whose type names are unique."""
    mine = {t.name: t for t in ActivityType.objects.filter(org_unit=source)}
    clash = ActivityType.objects.filter(org_unit=target, name__in=list(mine)).order_by("name").first()
    if clash is not None:
        raise DomainError(
            f"无法合并：“{source.name}”设立的活动类型“{mine[clash.name].name}”（代码 {mine[clash.name].code}）"
            f"与“{target.name}”设立的活动类型“{clash.name}”（代码 {clash.code}）同名。"
            "请先在“活动品牌与类型”中改名或停用其中一个，再进行合并。"
        )


def _param(field) -> str:
    """A placeholder typed for the column on PostgreSQL (an untyped parameter in an INSERT … SELECT
    would be taken as text); SQLite takes values as they are (its CAST to a date type would not)."""
    if connection.vendor == "postgresql":
        return f"CAST(%s AS {field.db_type(connection)})"
    return "%s"


def _write_history(ids: list[int], *, when, reason: str) -> None:
    """One "~" history record per activity, with its many-to-many rows as they are now, as the
    services leave them — written by INSERT … SELECT in the database (a 10,000-activity merge spent
    25 s building and inserting the records through the ORM on SQLite)."""
    q = connection.ops.quote_name
    History = Activity.history.model
    hmeta, ameta = History._meta, Activity._meta
    columns = [f.column for f in ameta.concrete_fields]
    extra = [
        hmeta.get_field(n) for n in ("history_date", "history_type", "history_user", "history_change_reason")
    ]
    actor = merge_actor()
    stamp = connection.ops.adapt_datetimefield_value(when)
    # table and column names come from the models' meta; every value is a parameter
    record_sql = (
        f"INSERT INTO {q(hmeta.db_table)} ({', '.join(q(c) for c in [*columns, *(f.column for f in extra)])}) "  # noqa: S608
        f"SELECT {', '.join(q(c) for c in columns)}, {', '.join(_param(f) for f in extra)} "
        f"FROM {q(ameta.db_table)} WHERE {q(ameta.pk.column)} IN "
    )
    links_sql = {}
    for name, column in M2M_FIELDS.items():
        through = getattr(Activity, name).through._meta
        m2m = _m2m_history_model(name)._meta
        t_activity, t_rel = through.get_field("activity").column, through.get_field(column).column
        links_sql[name] = (
            f"INSERT INTO {q(m2m.db_table)} ({q(m2m.get_field('history').column)}, {q(m2m.get_field('id').column)}, "  # noqa: S608
            f"{q(m2m.get_field('activity').column)}, {q(m2m.get_field(column).column)}) "
            f"SELECT h.{q(hmeta.pk.column)}, t.{q(through.pk.column)}, t.{q(t_activity)}, t.{q(t_rel)} "
            f"FROM {q(through.db_table)} t JOIN {q(hmeta.db_table)} h ON h.{q('id')} = t.{q(t_activity)} "
            f"WHERE h.{q(extra[0].column)} = {_param(extra[0])} AND h.{q(extra[1].column)} = {_param(extra[1])} "
            f"AND h.{q(extra[3].column)} = {_param(extra[3])} AND t.{q(t_activity)} IN "
        )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = "(" + ", ".join(["%s"] * len(chunk)) + ")"
            cursor.execute(record_sql + marks, [stamp, "~", actor.pk if actor else None, reason, *chunk])
            for sql in links_sql.values():
                cursor.execute(sql + marks, [stamp, "~", reason, *chunk])


def merge_activities(source: OrgUnit, target: OrgUnit, on: dt.date) -> int:
    _refuse_clashes(source, target)
    _refuse_foreign_lists(source, target)
    _refuse_type_name_clash(source, target)
    moving = Activity.objects.filter(org_unit=source)
    ids = list(moving.order_by("pk").values_list("pk", flat=True))
    cells = facts.cells_for(moving)
    now = timezone.now()
    reason = merge_reason(source, target)
    Campaign.objects.filter(org_unit=source).update(org_unit=target)
    ActivityType.objects.filter(org_unit=source).update(org_unit=target)
    try:
        with transaction.atomic():
            moved = moving.update(org_unit=target, updated_at=now)
    except IntegrityError as exc:  # written by someone else since the check above
        raise DomainError(
            f"无法合并：“{source.name}”与“{target.name}”有主办单位、活动名称和开始日期相同的活动，请稍后重试。"
        ) from exc
    # co-organiser links: to the target, unless the target already organises or co-organises
    links = Activity.co_organisers.through.objects
    co_ids = set(links.filter(orgunit_id=source.pk).values_list("activity_id", flat=True))
    links.filter(orgunit_id=source.pk).filter(
        Q(activity__org_unit=target)
        | Q(activity_id__in=links.filter(orgunit_id=target.pk).values("activity_id"))
    ).delete()
    links.filter(orgunit_id=source.pk).update(orgunit_id=target.pk)
    # the target may now organise an activity it co-organised
    co_ids |= set(
        links.filter(orgunit_id=target.pk, activity__org_unit=target).values_list("activity_id", flat=True)
    )
    links.filter(orgunit_id=target.pk, activity__org_unit=target).delete()
    only_links = sorted(co_ids - set(ids))
    if only_links:
        Activity.objects.filter(pk__in=only_links).update(updated_at=now)
    _write_history(sorted(set(ids) | co_ids), when=now, reason=reason)
    facts.refresh(cells | {(target.pk, month) for _, month in cells})
    return moved


def count_activities(source: OrgUnit) -> int:
    return Activity.objects.filter(org_unit=source).count()


register_merge_handler("活动", merge_activities, count=count_activities)
