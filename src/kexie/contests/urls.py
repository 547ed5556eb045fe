"""参赛作品 pages at /contests/ — the record layer's pages plus 晋级 and 录入结果."""

from django.urls import path

from kexie.contests import views
from kexie.contests.records import ENTRIES
from kexie.records.urls import record_urls

app_name = "contests"
urlpatterns = [
    *record_urls(ENTRIES),
    path("<int:pk>/advance/", views.entry_advance, name="advance"),
    path("<int:pk>/prize/", views.entry_prize, name="prize"),
    path("card/", views.dashboard_card, name="dashboard_card"),
]
