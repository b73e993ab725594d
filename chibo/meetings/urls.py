"""Meeting pages, one sub-package per resource, each with its urls: a cell's meetings and the
record (record), the preparation (prepare), the commune's and district's oversight (oversight),
the minutes and resolution (documents), the officials and helping organizations (officials), a
member's own meetings, tasks and calendar feeds (member), the pages a phone keeps for use
with no signal (offline), the role homes (home)."""

from django.urls import include, path

app_name = "meetings"
urlpatterns = [
    path("", include("chibo.meetings.record.urls")),
    path("", include("chibo.meetings.prepare.urls")),
    path("", include("chibo.meetings.oversight.urls")),
    path("", include("chibo.meetings.documents.urls")),
    path("", include("chibo.meetings.officials.urls")),
    path("", include("chibo.meetings.member.urls")),
    path("", include("chibo.meetings.offline.urls")),
    path("", include("chibo.meetings.home.urls")),
]
