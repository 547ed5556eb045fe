from kexie.people.records import POSTS
from kexie.records.urls import record_urls

app_name = "posts"
urlpatterns = record_urls(POSTS)
