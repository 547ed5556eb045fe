"""Registry pages beyond the generic record pages (kexie.records): a yearly grade, an expert joining a
station, a trip of a mobile facility — each a small form on the record's detail page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from kexie.core.errors import DomainError
from kexie.orgs.scoping import Action
from kexie.records.edge import guard
from kexie.registries import selectors, services
from kexie.registries.forms import EvaluationForm, ExpertForm, TripForm


@require_POST
@guard(Action.VIEW)
def designation_grade(request, pk: int):
    """年度评估: one grade a year; the service's message (e.g. a year before the designation) is shown."""
    designation = selectors.designation_get(access=request.access, pk=pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        raise DomainError(first, field="year")
    c = form.cleaned_data
    evaluation = services.evaluation_record(
        access=request.access,
        actor=request.user,
        designation=designation,
        year=c["year"],
        grade=c["grade"],
        note=c["note"],
    )
    messages.success(request, f"已录入{evaluation}。")
    return redirect("registries:detail", designation.pk)


def _first_error(form) -> DomainError:
    field, errors = next(iter(form.errors.items()))
    return DomainError(
        f"{form.fields[field].label}：{errors[0]}" if field in form.fields else errors[0], field=field
    )


@require_POST
@guard(Action.ENTER)
def designation_expert(request, pk: int):
    """进站: the service checks the academician caps (在职1个, 退休3个) with a message naming the stations."""
    designation = selectors.designation_get(access=request.access, pk=pk, action=Action.ENTER)
    form = ExpertForm(request.POST)
    if not form.is_valid():
        raise _first_error(form)
    expert = services.expert_add(
        access=request.access, actor=request.user, designation=designation, **form.cleaned_data
    )
    messages.success(request, f"已登记{expert.name}进站。")
    return redirect("registries:detail", designation.pk)


@require_POST
@guard(Action.ENTER)
def facility_trip(request, pk: int):
    """巡展/下乡 of a 流动科技馆 or 科普大篷车."""
    facility = selectors.facility_get(access=request.access, pk=pk, action=Action.ENTER)
    form = TripForm(request.POST)
    if not form.is_valid():
        raise _first_error(form)
    trip = services.trip_create(
        access=request.access,
        actor=request.user,
        facility=facility,
        data=services.TripData(**form.cleaned_data),
    )
    messages.success(request, f"已登记{trip.place}的巡展/下乡。")
    return redirect("facilities:detail", facility.pk)
