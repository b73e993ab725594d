"""A cell's meetings, the month's generation, a meeting's read view, its preparation and its
record (views_record, views_prepare)."""

from django.urls import path

from . import views_prepare as prep
from . import views_record as v

urlpatterns = [
    path("cell/<int:pk>/", v.cell_meetings, name="cell"),
    path("cell/<int:pk>/thematic/", v.thematic_plan, name="thematic_plan"),
    path("org/<int:pk>/generate/", v.generate, name="generate"),
    path("<int:pk>/", v.detail, name="detail"),
    path("<int:pk>/record/", v.record, name="record"),
    path("<int:pk>/prepare/", prep.prepare, name="prepare"),
    path("<int:pk>/prepare/topic/", prep.topic, name="prepare_topic"),
    path("<int:pk>/prepare/agenda/", prep.agenda_add, name="agenda_add"),
    path("<int:pk>/prepare/materials/", prep.material_upload, name="material_upload"),
    path("<int:pk>/prepare/invite/", prep.invite, name="invite"),
    path("<int:pk>/prepare/targets/", prep.target_add, name="target_add"),
    path("agenda/<int:pk>/edit/", prep.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/remove/", prep.agenda_remove, name="agenda_remove"),
    path("materials/<int:pk>/", prep.material_download, name="material_download"),
    path("materials/<int:pk>/withdraw/", prep.material_withdraw, name="material_withdraw"),
]
