"""Temporary activity elsewhere (sinh hoạt đảng tạm thời): the member stays on the home cell's
roll and is counted there; the host cell only lists them (docs/decisions/0008)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import DatedQuerySet
from chibo.organizations.models import Organization


class TemporaryStay(models.Model):
    """A member's temporary activity in another cell, inside chibo's tree or outside it."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="temporary_stays"
    )
    host_cell = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="temporary_members",
        verbose_name=_("chi bộ nơi sinh hoạt tạm thời"),
    )
    host_name = models.CharField(_("nơi sinh hoạt tạm thời"), max_length=200, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=50, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        app_label = "members"
        ordering = ["member_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="temporarystay_valid_interval",
            ),
            models.CheckConstraint(
                condition=Q(host_cell__isnull=False) | ~Q(host_name=""),
                name="temporarystay_has_host",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="temporarystay_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.host}"

    @property
    def host(self) -> str:
        return self.host_cell.name if self.host_cell_id else self.host_name
