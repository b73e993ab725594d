from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/movement/<slug:kind>/", views.movement, name="movement"),
]
