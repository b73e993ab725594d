"""The officials assigned to follow cells and the organizations that help especially
disadvantaged villages, with their visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import DatedQuerySet
from chibo.core.models import TimeStamped
from chibo.core.vn import day_text
from chibo.organizations.models import Organization, Village


class FollowAssignment(TimeStamped):
    """A district or commune cadre, or a commune police officer, assigned to follow and attend a
    cell's meetings from one date to another."""

    class Kind(models.TextChoices):
        DISTRICT_CADRE = "district_cadre", _("Cán bộ huyện")
        COMMUNE_CADRE = "commune_cadre", _("Cán bộ xã")
        COMMUNE_POLICE = "commune_police", _("Công an xã")

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_assignments"
    )
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="follow_assignments"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)
    role_assignment = models.OneToOneField(
        "accounts.RoleAssignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_assignment",
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công theo dõi chi bộ")
        verbose_name_plural = _("phân công theo dõi chi bộ")
        ordering = ["official_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="follow_interval",
            )
        ]

    def __str__(self):
        return f"{self.official} → {self.cell}"


class SupportAssignment(TimeStamped):
    """An organization assigned to help an especially disadvantaged village."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="support_assignments"
    )
    helper = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="support_assignments"
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công giúp đỡ thôn, bản")
        verbose_name_plural = _("phân công giúp đỡ thôn, bản")
        ordering = ["village_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="support_interval",
            )
        ]

    def __str__(self):
        return f"{self.helper} → {self.village}"


class SupportVisit(models.Model):
    """A visit of the helping organization to the village, and what was done."""

    assignment = models.ForeignKey(
        SupportAssignment, on_delete=models.PROTECT, related_name="visits"
    )
    on = models.DateField(_("ngày"))
    visitors = models.CharField(_("người đến"), max_length=300)
    activities = models.TextField(_("nội dung giúp đỡ"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chuyến giúp đỡ thôn, bản")
        verbose_name_plural = _("chuyến giúp đỡ thôn, bản")
        ordering = ["assignment_id", "-on"]

    def __str__(self):
        return f"{self.assignment} {day_text(self.on)}"
