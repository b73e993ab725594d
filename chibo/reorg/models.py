"""Reorganizations the org board plans: a merger or a split of organizations on a date, kept as
a draft with its choices until it is applied (all or nothing) and, while nothing depends on it,
undone. See docs/decisions/0017-reorganization-plans.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.core.vn import day_text
from chibo.organizations.models import Organization


class Reorganization(TimeStamped):
    """A planned merger or split of organizations on `on`: a draft until applied."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SCHEDULED = "scheduled", _("Chờ ngày hiệu lực")
        APPLIED = "applied", _("Đã áp dụng")
        UNDONE = "undone", _("Đã hoàn tác")
        DISCARDED = "discarded", _("Đã hủy")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("tên phương án"), max_length=200)
    on = models.DateField(_("ngày hiệu lực"))
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)
    # The lowest organization above every one involved: the plan is the org board's of that
    # node, and only those whose scope covers it see the plan.
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reorganizations_owned"
    )
    sources = models.ManyToManyField(
        Organization, through="ReorganizationSource", related_name="reorganizations"
    )
    # A merger into an organization that goes on (cell A2 into cell A); else the merger founds
    # its part (one new organization) and a split its parts (two or more).
    into = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reorganizations_into",
    )
    # The upper organization of the new organizations (default: the sources' own parent).
    parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What goes where and who keeps a seat: {"parts": {"member:12": 0, "village:3": 1, ...},
    # "seats": {"position:secretary": <Position id>, "leader:party_secretary": <id>}}.
    choices = models.JSONField(default=dict, blank=True)
    # What applying wrote, in order, for the undo: ["create", model label, pk, end field, end]
    # and ["set", model label, pk, {field: [before, after]}].
    journal = models.JSONField(default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="split") | Q(into__isnull=True), name="reorg_split_has_no_into"
            )
        ]
        verbose_name = _("phương án sắp xếp tổ chức")
        verbose_name_plural = _("phương án sắp xếp tổ chức")

    def __str__(self):
        return f"{self.title} ({day_text(self.on)})"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class ReorganizationSource(models.Model):
    """An organization a reorganization merges or splits (it ends on the plan's date)."""

    reorganization = models.ForeignKey(
        Reorganization, on_delete=models.PROTECT, related_name="source_rows"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tổ chức cũ của phương án")
        verbose_name_plural = _("tổ chức cũ của phương án")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reorganization", "organization"], name="reorg_source_once"
            )
        ]

    def __str__(self):
        return f"{self.reorganization_id}: {self.organization_id}"


class ReorganizationPart(models.Model):
    """A new organization a reorganization founds: the merged one, or one part of a split."""

    reorganization = models.ForeignKey(
        Reorganization, on_delete=models.PROTECT, related_name="parts"
    )
    index = models.PositiveSmallIntegerField()
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=200)
    # Set when the plan is applied.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tổ chức mới của phương án")
        verbose_name_plural = _("tổ chức mới của phương án")
        ordering = ["reorganization_id", "index"]
        constraints = [
            models.UniqueConstraint(fields=["reorganization", "index"], name="reorg_part_index")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"
