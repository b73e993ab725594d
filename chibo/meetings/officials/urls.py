"""The officials who follow cells and the organizations that help especially disadvantaged
villages (views, support_views)."""

from django.urls import path

from . import support_views as support
from . import views as officials

urlpatterns = [
    path("officials/mine/", officials.mine, name="officials_mine"),
    path("officials/org/<int:pk>/", officials.officials, name="officials"),
    path("officials/org/<int:pk>/assign/", officials.assign, name="official_assign"),
    path(
        "officials/org/<int:pk>/assign-many/",
        officials.assign_many,
        name="official_assign_many",
    ),
    path(
        "officials/org/<int:pk>/indicators/<slug:code>/",
        officials.indicator,
        name="official_indicator",
    ),
    path("officials/user/<int:pk>/", officials.official, name="official"),
    path("officials/assignments/<int:pk>/end/", officials.end, name="official_end"),
    path("support/org/<int:pk>/", support.support_list, name="support"),
    path("support/village/<int:pk>/", support.village, name="support_village"),
    path("support/village/<int:pk>/assign/", support.support_assign, name="support_assign"),
    path("support/assignments/<int:pk>/end/", support.support_end, name="support_end"),
    path("support/assignments/<int:pk>/visit/", support.visit, name="support_visit"),
]
