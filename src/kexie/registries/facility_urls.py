"""科普设施 pages at /facilities/ — the record layer's pages plus trips."""

from django.urls import path

from kexie.records.urls import record_urls
from kexie.registries import views
from kexie.registries.records import FACILITIES

app_name = "facilities"
urlpatterns = [*record_urls(FACILITIES), path("<int:pk>/trips/", views.facility_trip, name="trip")]
