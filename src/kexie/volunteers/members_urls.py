"""志愿者名册 pages (the record layer's pages)."""

from kexie.records.urls import record_urls
from kexie.volunteers.records import MEMBERS

app_name = "volunteer_members"
urlpatterns = record_urls(MEMBERS)
