from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("village/<int:pk>/<int:year>/", views.village_plan, name="village"),
]
