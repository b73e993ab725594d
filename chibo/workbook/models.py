"""A workbook import: the uploaded file, its check (the preview) and its import, run as tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkbookImport(models.Model):
    """One uploaded workbook, from the check to the import; the file is removed once done."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không nhập được")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workbook_imports"
    )
    filename = models.CharField(_("tệp"), max_length=200)
    stored_name = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    accept_warnings = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập sổ dữ liệu")
        verbose_name_plural = _("lần nhập sổ dữ liệu")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)


class WorkbookExport(models.Model):
    """An export of everything under an organization, built by a task (a province's takes longer
    than a web request may), kept as a file for its user to download."""

    class State(models.TextChoices):
        RUNNING = "running", _("Đang xuất")
        DONE = "done", _("Đã xuất xong")
        FAILED = "failed", _("Không xuất được")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workbook_exports"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("tổ chức"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField(_("tệp"), max_length=200)
    stored_name = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần xuất sổ dữ liệu")
        verbose_name_plural = _("lần xuất sổ dữ liệu")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename

    @property
    def running(self) -> bool:
        return self.state == self.State.RUNNING
