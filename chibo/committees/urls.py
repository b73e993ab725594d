from django.urls import path

from . import views
from .communes import urls as communes
from .positions import urls as positions
from .succession import urls as succession
from .villages import urls as villages

app_name = "committees"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.org, name="org"),
    path("org/<int:pk>/indicators/<slug:code>/", views.indicator, name="indicator"),
    *positions.urlpatterns,
    *villages.urlpatterns,
    *communes.urlpatterns,
    *succession.urlpatterns,
]
