"""Users and their roles, each held at an organization node for a date range."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import ValidFromToQuerySet
from chibo.organizations.models import Organization


class User(AbstractUser):
    """A person who signs in; may be linked to a member record."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    member = models.OneToOneField(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )
    # Set when an admin resets the password: the user chooses their own at the next sign-in
    # before any page (chibo.accounts.middleware.RequirePasswordChangeMiddleware).
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)

    def __str__(self):
        return self.full_name or self.username


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Quản trị Ban Tổ chức")
    ORG_ANALYST = "org_analyst", _("Chuyên viên Ban Tổ chức (chỉ xem)")
    COMMUNE_STAFF = "commune_staff", _("Cán bộ Đảng ủy xã")
    CELL_SECRETARY = "cell_secretary", _("Bí thư chi bộ")
    ASSIGNED_OFFICIAL = "assigned_official", _("Cán bộ được phân công theo dõi")
    MEMBER = "member", _("Đảng viên")


WRITE_ROLES = {Role.ORG_ADMIN, Role.COMMUNE_STAFF, Role.CELL_SECRETARY}
# Roles that may see citizen IDs unmasked within their scope.
PII_ROLES = {Role.ORG_ADMIN, Role.COMMUNE_STAFF, Role.CELL_SECRETARY}


class RoleAssignmentQuerySet(ValidFromToQuerySet):
    def current(self, on: datetime.date):
        """The roles held on `on`: [valid_from, valid_to), as every dated row (core.dated)."""
        return self.in_force(on)

    def held(self, on: datetime.date):
        """The roles that count on `on`: held then, at an organization still open."""
        return self.current(on).filter(organization__valid_to__isnull=True)


class RoleAssignment(models.Model):
    """A role held by a user at an organization (and its subtree) from `valid_from` (included)
    to `valid_to` (excluded: the first day without the role; null = still held)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(
        _("đến ngày (không kể)"),
        null=True,
        blank=True,
        help_text=_("Ngày đầu tiên không còn vai trò; để trống nếu vẫn giữ."),
    )
    note = models.CharField(max_length=200, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="role_valid_interval",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is kept."""

    LIFETIME_HOURS = 12  # from its issue (POST /api/v1/auth/token)
    LIFETIME = datetime.timedelta(hours=LIFETIME_HOURS)

    class Access(models.TextChoices):
        READ = "read", _("Chỉ đọc")
        WRITE = "write", _("Đọc và ghi")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    # A write token still writes only where the user's roles allow (Scope.can_write).
    scope = models.CharField(
        _("phạm vi"), max_length=5, choices=Access.choices, default=Access.READ
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mã API")
        verbose_name_plural = _("mã API")

    def __str__(self):
        return f"token {self.pk} of {self.user}"


class Notification(models.Model):
    """A message in a user's inbox about something that waits on them, linking to it (a task, a
    record to review, an invitation, a reminder). Written by chibo.accounts.notifications.notify,
    the one door every app uses."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    # Where opening it leads: a path inside chibo, whose page checks the reader's scope again.
    url = models.CharField(max_length=300, blank=True)
    # "meeting:12:invitation", "task:7:due": one notification per user and key (see notify).
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_to = models.EmailField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When what it announced was done (notifications.settle), for everyone told; reading it is
    # not doing it: a reminder stays on the home's "Cần làm" until settled, read or not.
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self):
        return self.text
