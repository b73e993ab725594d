"""Routes of succession planning, under the app's `committees` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("org/<int:pk>/succession/", views.succession, name="succession"),
    path("org/<int:pk>/succession/add/", views.succession_add, name="succession_add"),
    path("succession/<int:pk>/remove/", views.succession_remove, name="succession_remove"),
]
