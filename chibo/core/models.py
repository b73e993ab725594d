from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chibo.core.vn import moment_text


class BinaryCollationCharField(models.CharField):
    """A CharField compared byte by byte on every database (PostgreSQL: COLLATE "C").

    Sort keys and tree paths are built in Python so that ORDER BY gives Vietnamese order on SQLite
    and PostgreSQL alike, whatever locale the PostgreSQL cluster was created with.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class TimeStamped(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One change to one object: who, when, what, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")
        TRANSFER = "transfer", _("Chuyển sinh hoạt")
        STATUS = "status", _("Đổi trạng thái")
        IMPORT = "import", _("Nhập từ tệp")
        RESTRUCTURE = "restructure", _("Thay đổi tổ chức")
        LOGIN = "login", _("Đăng nhập")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("sự kiện nhật ký")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")
        ]

    def __str__(self):
        return f"{moment_text(self.at)} {self.action} {self.object_repr}"


class FormSubmission(models.Model):
    """A submit of a create form, by the key the page made when it was shown: the same page sent
    again (back, then submit; a double tap; a retry after a dropped connection) finds its key and
    creates nothing a second time (chibo.core.submissions)."""

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("lần gửi biểu mẫu")
        verbose_name_plural = _("lần gửi biểu mẫu")

    def __str__(self):
        return str(self.key)
