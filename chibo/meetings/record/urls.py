"""A cell's meetings, the month's generation, a thematic meeting, a meeting's read view and its
record."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("cell/<int:pk>/", v.cell_meetings, name="cell"),
    path("cell/<int:pk>/thematic/", v.thematic_plan, name="thematic_plan"),
    path("org/<int:pk>/generate/", v.generate, name="generate"),
    path("<int:pk>/", v.detail, name="detail"),
    path("<int:pk>/record/", v.record, name="record"),
]
