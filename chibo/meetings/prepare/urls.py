"""The preparation of a meeting: topic and day, agenda, materials, invitations, the cell's
targets; and the download of a material."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("<int:pk>/prepare/", v.prepare, name="prepare"),
    path("<int:pk>/prepare/topic/", v.topic, name="prepare_topic"),
    path("<int:pk>/prepare/agenda/", v.agenda_add, name="agenda_add"),
    path("<int:pk>/prepare/materials/", v.material_upload, name="material_upload"),
    path("<int:pk>/prepare/invite/", v.invite, name="invite"),
    path("<int:pk>/prepare/targets/", v.target_add, name="target_add"),
    path("agenda/<int:pk>/edit/", v.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/remove/", v.agenda_remove, name="agenda_remove"),
    path("materials/<int:pk>/", v.material_download, name="material_download"),
    path("materials/<int:pk>/withdraw/", v.material_withdraw, name="material_withdraw"),
]
