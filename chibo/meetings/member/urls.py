"""A member's own page, the task board, and the calendar feeds."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("my/", v.my_page, name="my"),
    path("my/calendar/", v.calendar_page, name="calendar"),
    path("my/calendar/<int:pk>/revoke/", v.calendar_revoke, name="calendar_revoke"),
    path("ical/<str:token>.ics", v.calendar_feed, name="calendar_feed"),
    path("tasks/", v.task_board, name="task_board"),
    path("tasks/cell/<int:cell>/", v.cell_tasks, name="cell_tasks"),
    path("tasks/<int:pk>/", v.task_detail, name="task"),
]
