from django.urls import path

from kexie.facts import views

app_name = "facts"
urlpatterns = [
    path("", views.fact_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/source/", views.source, name="source"),
]
