"""The activity fact table stays equal to the activities through every write path: the services
(create, update, delete, restore), imports (add() of the new activities) and their rollback, unit
moves and merges, refresh() and rebuild().

The expectation is recomputed here in plain Python from the activity rows (no SQL aggregation), and
the fact rows are summed per combination, since a cell may be split over several rows."""

import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie.activities import facts, services
from kexie.activities.models import Activity, ActivityMonthFact, ActivityType
from kexie.core.errors import DomainError
from kexie.indicators.engine import evaluate
from kexie.orgs import services as org_services
from tests.activities.conftest import campaign
from tests.activities.test_import import HEADER, SHEET, row
from tests.factories import make_activity
from tests.imports.helpers import write_xlsx

MEASURES = (
    "n",
    "n_major",
    "participants",
    "online_views",
    "sci_workers",
    "volunteers",
    "beneficiaries",
    "sessions",
    "materials_copies",
    "materials_kinds",
)


def expected_facts() -> dict[tuple, tuple]:
    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for a in Activity.objects.all():
        key = (
            a.org_unit_id,
            a.start_date.replace(day=1),
            a.activity_type_id,
            a.campaign_id,
            a.is_key,
            a.status,
        )
        cell = out[key]
        for i, v in enumerate(
            (
                1,
                int(a.participants >= 1000),
                a.participants,
                a.online_views,
                a.sci_workers,
                a.volunteers,
                a.beneficiaries,
                a.sessions,
                a.materials_copies,
                a.materials_kinds,
            )
        ):
            cell[i] += v
    return {k: tuple(v) for k, v in out.items()}


def stored_facts() -> dict[tuple, tuple]:
    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for f in ActivityMonthFact.objects.all():
        assert f.n >= 1  # rows exist only for combinations with activities
        key = (f.org_unit_id, f.month, f.activity_type_id, f.campaign_id, f.is_key, f.status)
        cell = out[key]
        for i, name in enumerate(MEASURES):
            cell[i] += getattr(f, name)
    return {k: tuple(v) for k, v in out.items()}


def assert_facts_match():
    assert stored_facts() == expected_facts()


def create(access, actor, make_data, **over):
    return services.activity_create(access=access, actor=actor, data=make_data(**over))


def test_cells_for_lists_organiser_and_month_of_each_activity(tree):
    a = make_activity(tree["county"], "甲", dt.date(2024, 5, 31))
    make_activity(tree["county"], "乙", dt.date(2024, 5, 1))
    make_activity(tree["township"], "丙", dt.date(2024, 6, 1))
    assert facts.cells_for(Activity.objects.all()) == {
        (tree["county"].pk, dt.date(2024, 5, 1)),
        (tree["township"].pk, dt.date(2024, 6, 1)),
    }
    assert facts.cells_for(Activity.objects.filter(pk=a.pk)) == {(tree["county"].pk, dt.date(2024, 5, 1))}
    assert facts.cells_for(Activity.objects.none()) == set()


def test_every_service_write_keeps_the_facts_equal_to_the_activities(tree, people, access_of, make_data):
    access, actor = access_of("province_sysadmin"), people["province_sysadmin"]
    first = create(access, actor, make_data, participants=1200, online_views=10**11, is_key=True)
    create(
        access, actor, make_data, title="第二场", sci_workers=7, volunteers=3, campaign=campaign("st_week")
    )
    assert_facts_match()
    assert ActivityMonthFact.objects.get(org_unit=tree["county"], campaign=None).n_major == 1

    # another organiser, another month, another type and status: the old cell loses it
    services.activity_update(
        access=access,
        actor=actor,
        activity=first,
        data=make_data(
            org_unit=tree["township"],
            start_date=dt.date(2023, 11, 2),
            activity_type=ActivityType.objects.get(code="training"),
            status=Activity.Status.CANCELLED,
            participants=10,
        ),
    )
    assert_facts_match()
    assert not ActivityMonthFact.objects.filter(org_unit=tree["county"], campaign=None).exists()

    pk = first.pk
    services.activity_delete(access=access, actor=actor, activity=first, reason="重复")
    assert_facts_match()
    assert not ActivityMonthFact.objects.filter(org_unit=tree["township"]).exists()

    services.activity_restore(access=access, actor=actor, pk=pk)
    assert_facts_match()
    assert ActivityMonthFact.objects.get(org_unit=tree["township"]).status == Activity.Status.CANCELLED


def test_a_refused_write_leaves_the_facts_as_they_were(tree, people, access_of, make_data):
    access, actor = access_of("province_sysadmin"), people["province_sysadmin"]
    create(access, actor, make_data)
    before = stored_facts()
    with pytest.raises(DomainError):
        create(access, actor, make_data)  # the same organiser, title and day: refused
    assert stored_facts() == before == expected_facts()


def test_the_engine_sees_a_write_at_once_on_both_paths(tree, people, access_of, make_data):
    access, actor = access_of("province_sysadmin"), people["province_sysadmin"]
    create(access, actor, make_data, participants=50)

    def figures(source):
        r = evaluate(
            access=access,
            indicators=["popsci_activities", "popsci_participants"],
            periods=["2024"],
            source=source,
        )
        return r.value("popsci_activities", "2024").value, r.value("popsci_participants", "2024").value

    assert figures("facts") == figures("records") == (1, 50)
    create(access, actor, make_data, title="又一场", participants=25)
    assert figures("facts") == figures("records") == (2, 75)


def test_refresh_folds_split_rows_and_is_idempotent(tree):
    make_activity(tree["county"], "甲", dt.date(2024, 5, 3), participants=10)
    make_activity(tree["county"], "乙", dt.date(2024, 5, 4), participants=20)
    row = ActivityMonthFact.objects.get()
    # a cell split in two rows (as after a merge) still adds up …
    ActivityMonthFact.objects.filter(pk=row.pk).update(n=1, participants=10)
    ActivityMonthFact.objects.create(
        **{f: getattr(row, f) for f in ("org_unit_id", "month", "activity_type_id", "campaign_id", "is_key")},
        status=row.status,
        n=1,
        n_major=0,
        participants=20,
        online_views=0,
        sci_workers=0,
        volunteers=0,
    )
    assert_facts_match()
    # … and a refresh folds it back into one row; refreshing again changes nothing
    cells = {(tree["county"].pk, dt.date(2024, 5, 17))}  # any day of the month names the cell
    facts.refresh(cells)
    facts.refresh(cells)
    assert ActivityMonthFact.objects.count() == 1
    assert_facts_match()


def test_an_import_adds_its_new_activities_without_recomputing_their_cells(tree, upload, commit, tmp_path):
    make_activity(tree["county"], "已有的讲座", dt.date(2024, 5, 3), participants=10)
    make_activity(tree["county"], "六月的讲座", dt.date(2024, 6, 3), participants=10)
    rows = [
        row(活动名称="五月新讲座一", 开始日期=dt.date(2024, 5, 20), 参与人次=30),  # the cell above
        row(活动名称="五月新讲座二", 开始日期=dt.date(2024, 5, 21), 参与人次=1500),
        row(活动名称="七月新讲座", 开始日期=dt.date(2024, 7, 1), 参与人次=5),  # a new cell
    ]
    batch = upload("county_filler", write_xlsx(tmp_path / "台账.xlsx", rows, header=HEADER, sheet=SHEET))
    batch = commit("county_filler", batch)
    assert batch.rows_created == 3, batch.errors
    assert_facts_match()
    may = ActivityMonthFact.objects.filter(org_unit=tree["county"], month=dt.date(2024, 5, 1))
    # appended, not recomputed: the May cell holds the old row and the import's own row
    assert sorted(may.values_list("n", "participants")) == [(1, 10), (2, 1530)]
    june = ActivityMonthFact.objects.get(org_unit=tree["county"], month=dt.date(2024, 6, 1))
    assert (june.n, june.participants) == (1, 10)  # untouched
    # the next write of the cell folds it back into one row
    facts.refresh({(tree["county"].pk, dt.date(2024, 5, 1))})
    assert sorted(may.values_list("n", "participants")) == [(3, 1540)]
    assert_facts_match()


def test_an_update_in_the_same_import_refreshes_over_the_added_rows(
    tree, people, access_of, make_data, upload, commit, tmp_path
):
    """A file that creates an activity and updates another in the same cell: the update's refresh
    recomputes the cell from the activities, the new one included, and replaces the appended row."""
    existing = create(
        access_of("county_filler"),
        people["county_filler"],
        make_data,
        title="已有的讲座",
        start_date=dt.date(2024, 5, 3),
        end_date=dt.date(2024, 5, 3),
        participants=10,
    )
    rows = [
        row(活动名称="五月新讲座", 开始日期=dt.date(2024, 5, 20), 参与人次=30),
        row(活动名称=existing.title, 开始日期=existing.start_date, 参与人次=99),  # same natural key: update
    ]
    batch = upload("county_filler", write_xlsx(tmp_path / "台账.xlsx", rows, header=HEADER, sheet=SHEET))
    batch = commit("county_filler", batch)
    assert (batch.rows_created, batch.rows_updated) == (1, 1), batch.errors
    assert_facts_match()


def test_refresh_of_many_cells_in_chunks(tree, monkeypatch):
    monkeypatch.setattr(facts, "CHUNK", 3)
    for month in range(1, 13):
        make_activity(tree["county"], f"讲座{month}", dt.date(2024, month, 2))
        make_activity(tree["township"], f"讲座{month}", dt.date(2024, month, 2))
    ActivityMonthFact.objects.all().delete()
    facts.refresh(facts.cells_for(Activity.objects.all()))
    assert_facts_match()
    assert ActivityMonthFact.objects.count() == 24


def test_rebuild_command_recomputes_everything(tree):
    make_activity(tree["county"], "甲", dt.date(2024, 5, 3), participants=1000)
    make_activity(tree["society"], "乙", dt.date(2021, 1, 31), activity_type="academic", is_key=True)
    ActivityMonthFact.objects.all().delete()
    ActivityMonthFact.objects.create(
        org_unit=tree["county2"],
        month=dt.date(2020, 1, 1),
        activity_type=ActivityType.objects.get(code="lecture"),
        is_key=False,
        status="held",
        n=99,
        n_major=0,
        participants=0,
        online_views=0,
        sci_workers=0,
        volunteers=0,
    )
    call_command("rebuild_activity_facts", stdout=io.StringIO())
    assert_facts_match()


def test_a_merge_moves_the_facts_with_the_activities(tree, people, access_of):
    make_activity(tree["county"], "甲", dt.date(2024, 5, 3), participants=10)
    make_activity(tree["county2"], "乙", dt.date(2024, 5, 4), participants=20)  # same cell at the target
    make_activity(tree["township"], "丙", dt.date(2024, 6, 4), participants=40)
    org_services.orgunit_merge(
        access=access_of("city_admin"), source=tree["county"], target=tree["county2"], on=dt.date(2025, 6, 30)
    )
    assert_facts_match()
    assert not ActivityMonthFact.objects.filter(org_unit=tree["county"]).exists()
    for source in ("facts", "records"):
        result = evaluate(
            access=access_of("city_admin"),
            indicators=["popsci_activities", "popsci_participants"],
            periods=["2024"],
            by="child",
            source=source,
        )
        target = result.value("popsci_participants", "2024", child=tree["county2"])
        assert target.value == 10 + 20 + 40  # its own two and the township that moved under it
        assert result.value("popsci_participants", "2024", child=tree["county"]).value == 0


def test_a_move_needs_no_refresh_the_facts_follow_the_unit(tree, access_of):
    make_activity(tree["society"], "学会讲座", dt.date(2024, 5, 3), participants=30)
    before = stored_facts()
    org_services.orgunit_move(
        access=access_of("city_admin"), unit=tree["society"], new_parent=tree["county2"]
    )
    assert stored_facts() == before
    result = evaluate(
        access=access_of("city_admin"),
        indicators=["popsci_participants"],
        periods=["2024"],
        by="child",
        source="facts",
    )
    assert result.value("popsci_participants", "2024", child=tree["county2"]).value == 30


# ---- any sequence of service writes ---------------------------------------------------------------

UNITS = ["county", "township", "county2", "society", "city"]
op = st.one_of(
    st.tuples(
        st.just("create"),
        st.sampled_from(UNITS),
        st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)),
        st.sampled_from(["lecture", "training", "academic"]),
        st.sampled_from(["held", "planned", "cancelled"]),
        st.sampled_from([0, 999, 1000, 5000]),
        st.booleans(),
    ),
    st.tuples(
        st.just("update"),
        st.integers(0, 20),
        st.sampled_from(UNITS),
        st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)),
        st.sampled_from(["held", "cancelled"]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("restore"), st.integers(0, 20)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(op, max_size=10))
def test_any_sequence_of_writes_keeps_the_facts_exact(tree, people, access_of, make_data, ops):
    access, actor = access_of("province_sysadmin"), people["province_sysadmin"]
    types = {t.code: t for t in ActivityType.objects.all()}
    with transaction.atomic():
        created: list[int] = []
        deleted: list[int] = []
        titles = Counter()
        for step in ops:
            try:
                if step[0] == "create":
                    _, unit, day, type_code, status, participants, key = step
                    titles[unit] += 1
                    a = create(
                        access,
                        actor,
                        make_data,
                        title=f"活动{titles[unit]}",
                        org_unit=tree[unit],
                        start_date=day,
                        activity_type=types[type_code],
                        status=status,
                        participants=participants,
                        is_key=key,
                    )
                    created.append(a.pk)
                elif step[0] == "update" and created:
                    _, n, unit, day, status = step
                    a = Activity.objects.filter(pk=created[n % len(created)]).first()
                    if a is not None:
                        data = services.ActivityData.from_activity(a)
                        data.org_unit, data.start_date, data.end_date, data.status = (
                            tree[unit],
                            day,
                            day,
                            status,
                        )
                        services.activity_update(access=access, actor=actor, activity=a, data=data)
                elif step[0] == "delete" and created:
                    a = Activity.objects.filter(pk=created[step[1] % len(created)]).first()
                    if a is not None:
                        deleted.append(a.pk)
                        services.activity_delete(access=access, actor=actor, activity=a)
                elif step[0] == "restore" and deleted:
                    services.activity_restore(access=access, actor=actor, pk=deleted[step[1] % len(deleted)])
            except DomainError:
                pass  # a refused write (duplicate, already restored …) writes nothing, facts included
            assert_facts_match()
        transaction.set_rollback(True)
