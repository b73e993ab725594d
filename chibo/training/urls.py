from django.urls import path

from . import views, views_contest, views_indicators

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/export.xlsx", views.course_export, name="course_export"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/enroll/", views.course_enroll, name="course_enroll"),
    path("courses/<int:pk>/enroll-many/", views.course_enroll_many, name="course_enroll_many"),
    path(
        "courses/<int:pk>/participants.xlsx",
        views.course_participants_export,
        name="course_participants_export",
    ),
    path("enrollments/<int:pk>/result/", views.enrollment_result, name="enrollment_result"),
    path("member/<int:pk>/", views.member_history, name="member"),
    path("nominate/", views.nominate, name="nominate"),
    path("contests/", views_contest.contest_list, name="contests"),
    path("contests/new/", views_contest.contest_create, name="contest_create"),
    path("contests/<int:pk>/", views_contest.contest_detail, name="contest_detail"),
    path("contests/<int:pk>/results.xlsx", views_contest.contest_export, name="contest_export"),
    path("contests/<int:pk>/rounds/new/", views_contest.round_create, name="round_create"),
    path("rounds/<int:pk>/contestants/new/", views_contest.contestant_add, name="contestant_add"),
    path("contestants/<int:pk>/score/", views_contest.score_record, name="score_record"),
    path("indicators/<str:code>/", views_indicators.indicator_rows, name="indicator"),
]
