"""Meeting pages, one module per resource: the record and its preparation (views_record), the
commune's and district's oversight (oversight.views), documents (views_documents), officials and
support (officials.views), a member's own meetings and tasks and the calendar feeds (member.views).
"""

from django.urls import include, path

app_name = "meetings"
urlpatterns = [
    path("", include("chibo.meetings.urls_record")),
    path("", include("chibo.meetings.oversight.urls")),
    path("", include("chibo.meetings.documents.urls")),
    path("", include("chibo.meetings.officials.urls")),
    path("", include("chibo.meetings.member.urls")),
]
