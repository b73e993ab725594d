"""The report template, versioned: an organization's .docx (docxtpl) in use from a date until
its next version; without one, chibo's default (defaults.py)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.organizations.models import Organization


def template_path(instance, filename):
    # A new name for every upload: a stored template is never overwritten.
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
    return f"report-templates/{instance.organization_id}/report-{stamp}.docx"


class ReportTemplate(TimeStamped):
    """A version of an organization's report template, in use from `valid_from` until a later
    version (rows are never changed)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="report_templates"
    )
    valid_from = models.DateField(_("áp dụng từ"))
    name = models.CharField(_("tên mẫu"), max_length=200)
    file = models.FileField(upload_to=template_path, max_length=300)
    placeholders = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        ordering = ["organization_id", "-valid_from", "-id"]

    def __str__(self):
        return self.name
