from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("village/<int:pk>/<int:year>/", views.village_plan, name="village"),
    path("commune/<int:pk>/<int:year>/", views.commune_plans, name="commune"),
    path(
        "commune/<int:pk>/<int:year>/assignments.xlsx",
        views.commune_assignments,
        name="commune_assignments",
    ),
    path(
        "commune/<int:pk>/<int:year>/decision.docx",
        views.commune_decision,
        name="commune_decision",
    ),
    path("org/<int:pk>/indicators/<str:code>/", views.indicator, name="indicator"),
]
