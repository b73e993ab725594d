from django.urls import path

from . import views as v

urlpatterns = [
    path("month/", v.month, name="month"),
    path("overview/", v.overview, name="overview"),
    path("review/<int:pk>/", v.meeting_review, name="meeting_review"),
    path("review/<int:pk>/confirm/", v.review_confirm, name="review_confirm"),
    path("review/<int:pk>/return/", v.review_return, name="review_return"),
    path("indicators/<str:code>/", v.indicator, name="indicator"),
]
