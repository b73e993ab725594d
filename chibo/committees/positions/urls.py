"""Routes of the committee and position pages, under the app's `committees` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("cell/<int:pk>/", views.cell, name="cell"),
    path("cell/<int:pk>/congress/", views.congress, name="congress"),
    path("org/<int:pk>/terms/new/", views.term_create, name="term_create"),
    path("org/<int:pk>/positions/new/", views.position_assign, name="position_assign"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
]
