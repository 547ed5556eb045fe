"""URLs of the record layer: the unit picker's endpoints here, and `record_urls(declaration)` — the
list, detail, create, edit, delete, file, export and import URLs of one record type, for its app's
urls.py (names: list, create, detail, edit, delete, export, import, deleted and restore with a declared
`restore`, attach/attachment/attachment_delete with attachment slots, and one per declared file)."""

from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse

from kexie.records import views
from kexie.records.declarations import Declaration

app_name = "records"
urlpatterns = [
    path("units/", views.unit_options, name="units"),
    path("units/pick/", views.unit_pick, name="unit_pick"),
]


def record_urls(d: Declaration) -> list[URLPattern]:
    kw = {"declaration": d}
    patterns = [
        path("", views.record_list, kw, name="list"),
        path("new/", views.record_create, kw, name="create"),
        path("export.xlsx", views.record_export, kw, name="export"),
        path("import/", lambda request: redirect(reverse("imports:upload", args=[d.key])), name="import"),
        path("<int:pk>/", views.record_detail, kw, name="detail"),
        path("<int:pk>/edit/", views.record_edit, kw, name="edit"),
        path("<int:pk>/delete/", views.record_delete, kw, name="delete"),
    ]
    if d.restore is not None:
        patterns += [
            path("deleted/", views.record_deleted, kw, name="deleted"),
            path("<int:pk>/restore/", views.record_restore, kw, name="restore"),
        ]
    if d.attachments:
        patterns += [
            path("<int:pk>/attachments/", views.attachment_upload, kw, name="attach"),
            path(
                "<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, kw, name="attachment"
            ),
            path(
                "<int:pk>/attachments/<int:attachment_id>/delete/",
                views.attachment_remove,
                kw,
                name="attachment_delete",
            ),
        ]
    for slot in d.files:
        patterns.append(
            path(f"<int:pk>/{slot.key}/", views.record_file, kw | {"slot": slot.key}, name=slot.key)
        )
    return patterns
