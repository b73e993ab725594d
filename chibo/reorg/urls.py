from django.urls import path

from . import views

app_name = "reorg"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/choices/", views.plan_choices, name="choices"),
    path("<int:pk>/apply/", views.plan_apply, name="apply"),
    path("<int:pk>/trial/", views.plan_trial, name="trial"),
    path("<int:pk>/schedule/", views.plan_schedule, name="schedule"),
    path("<int:pk>/unschedule/", views.plan_unschedule, name="unschedule"),
    path("<int:pk>/undo/", views.plan_undo, name="undo"),
    path("<int:pk>/discard/", views.plan_discard, name="discard"),
]
