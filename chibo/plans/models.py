"""A village's annual socio-economic plan (kế hoạch phát triển KT-XH của bản): the targets the
commune assigns it for the year, each linked to the criteria item it serves where it serves one;
the plan the cell drafts, which the commune approves or returns with a comment. Only an approved
plan's targets are followed at the monthly meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.criteria.models import CriteriaItem
from chibo.organizations.models import Village
from chibo.targets.models import Target


class VillagePlan(TimeStamped):
    """One village's plan for one year and where it stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Chờ xã phê duyệt")
        RETURNED = "returned", _("Xã trả lại")
        APPROVED = "approved", _("Đã phê duyệt")

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    text = models.TextField(_("nội dung kế hoạch"), blank=True)
    comment = models.CharField(_("ý kiến của xã"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kế hoạch của thôn, bản")
        verbose_name_plural = _("kế hoạch của thôn, bản")
        ordering = ["village_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="villageplan_one_a_year"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(decided_at__isnull=False),
                name="villageplan_approved_dated",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year}"


class PlanTarget(models.Model):
    """A target the commune assigned a village for the year (the cell's Target row), with the
    criteria item it serves, if any."""

    plan = models.ForeignKey(VillagePlan, on_delete=models.PROTECT, related_name="targets")
    target = models.OneToOneField(Target, on_delete=models.PROTECT, related_name="plan_link")
    criteria_item = models.ForeignKey(
        CriteriaItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_targets",
    )

    class Meta:
        verbose_name = _("chỉ tiêu trong kế hoạch")
        verbose_name_plural = _("chỉ tiêu trong kế hoạch")
        ordering = ["plan_id", "target__order", "id"]

    def __str__(self):
        return str(self.target)
