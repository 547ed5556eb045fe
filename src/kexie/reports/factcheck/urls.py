from django.urls import path

from kexie.reports.factcheck import views

app_name = "factcheck"
urlpatterns = [path("", views.check, name="check")]
