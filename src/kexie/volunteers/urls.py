"""科技志愿者 pages at /volunteers/ (the record layer's pages) and the dashboard card."""

from django.urls import path

from kexie.records.urls import record_urls
from kexie.volunteers import views
from kexie.volunteers.records import VOLUNTEERS

app_name = "volunteers"
urlpatterns = [*record_urls(VOLUNTEERS), path("card/", views.dashboard_card, name="dashboard_card")]
