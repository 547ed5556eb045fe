"""服务记录 pages (the record layer's pages)."""

from kexie.records.urls import record_urls
from kexie.volunteers.records import SERVICES

app_name = "volunteer_service"
urlpatterns = record_urls(SERVICES)
