from django.urls import path

from . import views

app_name = "admissions"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.board, name="board"),
    path("org/<int:pk>/targets/", views.targets, name="targets"),
    path("org/<int:pk>/admitted/", views.admitted, name="admitted"),
    path("new/", views.candidate_create, name="create"),
    path("<int:pk>/", views.candidate_detail, name="candidate"),
    path("<int:pk>/step/", views.step_add, name="step"),
    path("<int:pk>/<str:kind>.docx", views.document, name="document"),
]
