"""The history diff of a record type with a lifecycle: each step shows its state change in words, not
the workflow's bookkeeping timestamp (the 办理记录 already says when each step was taken)."""

from kexie.orgs.models import Role
from kexie.orgs.scoping import access_for
from kexie.records import selectors
from kexie.registries import services
from kexie.registries.models import Level, Programme
from kexie.registries.records import DESIGNATIONS
from kexie.workflows.services import transition
from tests.factories import make_user


def test_a_lifecycle_step_shows_the_state_change_without_the_raw_state_timestamp(people, tree):
    filler = people["county_filler"]
    designation = services.designation_create(
        access=access_for(filler),
        actor=filler,
        data=services.DesignationData(
            org_unit=tree["county"],
            programme=Programme.objects.get(code="popsci_base"),
            level=Level.MUNICIPAL,
            holder_kind="school",
            holder_name="怀宁县第一中学",
            holder_region_code="340822",
        ),
    )
    transition(access=access_for(filler), obj=designation, code="submit")
    reviewer = make_user("county_reviewer", tree["county"], Role.REVIEWER)
    transition(access=access_for(reviewer), obj=designation, code="recommend")

    history = selectors.history(declaration=DESIGNATIONS, record_id=designation.pk)

    reasons = [record.history_change_reason for record, _ in history]
    assert reasons == ["推荐", "申报", "登记申报"]
    recommend_diff = history[0][1]
    assert recommend_diff == [("状态", "已申报", "已推荐")]
    labels = {label for _, diff in history for label, _, _ in diff}
    assert "状态变更时间" not in labels
