"""What reaches a member or an official: their progress reports on tasks and the calendar feeds
of their meetings. (Their notifications are chibo.accounts' Notification.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.organizations.models import Organization

from .meeting import Task


class TaskUpdate(models.Model):
    """A progress report on a task by its owner (or the secretary)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="updates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    note = models.CharField(_("nội dung"), max_length=500)

    class Meta:
        verbose_name = _("cập nhật nhiệm vụ")
        verbose_name_plural = _("cập nhật nhiệm vụ")
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

    class Meta:
        verbose_name = _("lịch đồng bộ")
        verbose_name_plural = _("lịch đồng bộ")

    def __str__(self):
        return f"{self.user} {self.cell or ''}"
