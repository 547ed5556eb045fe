"""The activity pages: the record layer's pages of the declaration (list, create, detail, edit,
delete, deleted, restore, export, import, attachments) and the activity's own calendar and managed
lists. Every former URL name still reverses (attachment_add is the layer's upload)."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from kexie.activities import views
from kexie.activities.records import ACTIVITIES
from kexie.orgs.scoping import Action
from kexie.records import views as record_views
from kexie.records.edge import guard
from kexie.records.models import Attachment
from kexie.records.urls import record_urls

app_name = "activities"


@guard()
def _former_attachment_url(request, attachment_id: int, delete: bool = False):
    """/activities/attachments/<id>/ (before the record layer kept the files): to the attachment's
    URL under its activity, where the activity's scoped get decides (307 keeps a POST a POST)."""
    from django.contrib.contenttypes.models import ContentType

    attachment = get_object_or_404(
        Attachment, pk=attachment_id, content_type=ContentType.objects.get_for_model(ACTIVITIES.model)
    )
    action = ACTIVITIES.enter_action if delete else Action.VIEW
    activity = ACTIVITIES.get(access=request.access, pk=attachment.object_id, action=action)  # 404 outside
    name = "attachment_delete" if delete else "attachment"
    url = ACTIVITIES.url(name, activity.pk, attachment.pk)
    if request.GET:
        url += "?" + request.GET.urlencode()
    return redirect(url, preserve_request=True)


urlpatterns = [
    *record_urls(ACTIVITIES),
    path(
        "<int:pk>/attachments/",
        record_views.attachment_upload,
        {"declaration": ACTIVITIES},
        name="attachment_add",
    ),
    path("attachments/<int:attachment_id>/", _former_attachment_url, name="attachment_old"),
    path(
        "attachments/<int:attachment_id>/delete/",
        _former_attachment_url,
        {"delete": True},
        name="attachment_delete_old",
    ),
    path("calendar/", views.calendar_view, name="calendar"),
    path("lists/", views.managed_lists, name="lists"),
    path("lists/<str:kind>/new/", views.list_entry_create, name="list_entry_create"),
    path("lists/<str:kind>/<int:pk>/", views.list_entry_edit, name="list_entry_edit"),
]
