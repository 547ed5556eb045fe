from django.urls import path

from kexie.people import views
from kexie.people.records import PEOPLE
from kexie.records.urls import record_urls

app_name = "people"
urlpatterns = [
    path("export.xlsx", views.person_export, name="export"),  # before record_urls: the phone opt-in
    path("access-log/", views.access_log, name="access_log"),
    path("dashboard-card/", views.dashboard_card, name="dashboard_card"),
    path("<int:pk>/phone/", views.reveal_phone, name="reveal_phone"),
    path("<int:pk>/phone/set/", views.phone_set, name="phone_set"),
    path("<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("<int:pk>/roles/remove/", views.role_remove, name="role_remove"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    *[p for p in record_urls(PEOPLE) if p.name != "export"],
]
