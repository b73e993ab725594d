"""What reaches a member or an official: in-app notifications, their progress reports on tasks,
and the calendar feeds of their meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.organizations.models import Organization

from .meeting import CellMeeting, Task


class Notification(models.Model):
    """An in-app message to a user (an invitation to a meeting, a returned record...)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    meeting = models.ForeignKey(
        CellMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.EmailField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "meeting", "kind"],
                condition=Q(meeting__isnull=False),
                name="notification_once_per_meeting",
            )
        ]

    def __str__(self):
        return self.text


class TaskUpdate(models.Model):
    """A progress report on a task by its owner (or the secretary)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="updates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    note = models.CharField(_("nội dung"), max_length=500)

    class Meta:
        ordering = ["task_id", "at"]

    def __str__(self):
        return f"{self.task}: {self.progress}%"


class CalendarFeed(models.Model):
    """A secret URL for an iCal feed of one cell's meetings or of one user's meetings."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    cell = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user} {self.cell or ''}"
