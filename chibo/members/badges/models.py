"""Party-age badges (Huy hiệu Đảng): the rule as dated data, the badges awarded, and the
interruptions that do not count toward party age."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import DatedQuerySet


class BadgeRule(models.Model):
    """Which party ages earn a badge and on which days of the year badges are awarded, in force
    from a date until the next rule."""

    effective_from = models.DateField(_("hiệu lực từ"), unique=True)
    # [30, 40, 45, ...]: years of party age.
    years = models.JSONField(_("mốc tuổi Đảng"))
    # [[2, 3], [5, 19], ...]: (month, day) of each award date, in the year's order.
    award_days = models.JSONField(_("các đợt trao tặng (tháng, ngày)"))
    source = models.CharField(_("văn bản"), max_length=200)

    class Meta:
        app_label = "members"
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.source} ({self.effective_from:%d/%m/%Y})"


class BadgeAward(models.Model):
    """A badge awarded to a member: one per member and party age, never deleted."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="badge_awards"
    )
    years = models.PositiveSmallIntegerField(_("huy hiệu (năm tuổi Đảng)"))
    awarded_on = models.DateField(_("ngày trao tặng"))
    decided_by = models.CharField(_("cấp quyết định"), max_length=200, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "members"
        ordering = ["member_id", "years"]
        constraints = [
            models.UniqueConstraint(fields=["member", "years"], name="badgeaward_once"),
        ]

    def __str__(self):
        return f"{self.member}: {self.years} ({self.awarded_on:%d/%m/%Y})"


class PartyInterruption(models.Model):
    """A time the member was out of the Party (between a removal and a readmission): it does
    not count toward party age."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="interruptions"
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
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
                condition=Q(end__gt=models.F("start")), name="interruption_valid_interval"
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
