from django.urls import path

from kexie.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sites/regions/", views.sites_regions, name="sites_regions"),
]
