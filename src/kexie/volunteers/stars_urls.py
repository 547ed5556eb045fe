"""星级标准 page at /volunteers/stars/."""

from django.urls import path

from kexie.volunteers import views

app_name = "volunteer_stars"
urlpatterns = [path("", views.star_scale, name="page")]
