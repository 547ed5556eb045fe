from django.urls import path

from kexie.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:slug>/", views.section, name="section"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
]
