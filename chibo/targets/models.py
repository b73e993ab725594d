"""A cell's targets for a year (name, unit, yearly value) and their monthly progress.

A later issue adds criteria sets and the commune's assignment and approval; meetings record the
monthly progress and the tasks that serve a target.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.organizations.models import Organization


class Target(TimeStamped):
    """One of a cell's targets for a year, e.g. "Hộ nghèo giảm" 3 hộ.

    `measure` says how the months make the year: most targets are amounts that add up (hộ,
    ha, m: the year so far is the sum of the months); a rate or level (Thu đảng phí 100%) is
    reached again each month, so the year so far is the latest month's value."""

    class Measure(models.TextChoices):
        SUM = "sum", _("Cộng dồn các tháng")
        LEVEL = "level", _("Mức đạt trong tháng (không cộng dồn)")

    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("chỉ tiêu"), max_length=200)
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    yearly_value = models.DecimalField(_("kế hoạch năm"), max_digits=12, decimal_places=2)
    measure = models.CharField(
        _("cách tính"), max_length=8, choices=Measure.choices, default=Measure.SUM
    )
    order = models.PositiveSmallIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["cell_id", "year", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "year", "name"],
                condition=Q(withdrawn_at__isnull=True),
                name="target_unique_name",
            ),
            models.CheckConstraint(condition=Q(yearly_value__gte=0), name="target_value_ge0"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"


class TargetProgress(models.Model):
    """The value reached on a target in one month (not cumulative), as recorded at a meeting."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="progress")
    month = models.DateField(_("tháng"))  # the first day of the month
    value = models.DecimalField(_("thực hiện trong tháng"), max_digits=12, decimal_places=2)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    meeting = models.ForeignKey(
        "meetings.CellMeeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="target_progress",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kết quả chỉ tiêu trong tháng")
        verbose_name_plural = _("kết quả chỉ tiêu trong tháng")
        ordering = ["target_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["target", "month"], name="target_progress_month"),
        ]

    def __str__(self):
        return f"{self.target} {self.month:%m/%Y}: {self.value}"
