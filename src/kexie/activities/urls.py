from django.urls import path

from kexie.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("new/", views.create, name="create"),
    path("deleted/", views.deleted, name="deleted"),
    path("lists/", views.managed_lists, name="lists"),
    path("lists/<str:kind>/new/", views.list_entry_create, name="list_entry_create"),
    path("lists/<str:kind>/<int:pk>/", views.list_entry_edit, name="list_entry_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
