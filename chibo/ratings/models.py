"""The annual quality rating (đánh giá, xếp loại chất lượng hằng năm) of cells and members.

The rating set (the levels, their thresholds on the 100-point scale and the quota of the top
level) is versioned data like the criteria sets: a set holds over [valid_from, valid_to), sets
never overlap, and a rating keeps the set it was made under, so a new set changes no rating made
before it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import ValidFromToQuerySet
from chibo.core.models import TimeStamped
from chibo.core.vn import format_decimal
from chibo.members.models import Member
from chibo.organizations.models import Organization


def year_end(year: int) -> datetime.date:
    """The day a year's rating is read against: the set in force on 31/12 rates the year."""
    return datetime.date(year, 12, 31)


class RatingSet(TimeStamped):
    """A version of the rating rules (e.g. QĐ 366-QĐ/TW 2025), in force over [valid_from,
    valid_to)."""

    name = models.CharField(_("tên bộ tiêu chuẩn"), max_length=200)
    reference = models.CharField(_("văn bản"), max_length=100, blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("đến ngày (không tính)"), null=True, blank=True)
    # The top level's quota: at most this share of the units rated at the top two levels
    # ("không vượt quá 20% số được xếp loại Hoàn thành tốt nhiệm vụ", which counts the top).
    top_quota_percent = models.DecimalField(
        _("tỉ lệ tối đa của mức cao nhất (%)"), max_digits=5, decimal_places=2
    )

    objects = ValidFromToQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chuẩn xếp loại")
        verbose_name_plural = _("bộ tiêu chuẩn xếp loại")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="rating_set_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def top_quota_text(self) -> str:
        return format_decimal(self.top_quota_percent, 2)


class RatingLevel(models.Model):
    """A level of a set (Hoàn thành xuất sắc nhiệm vụ...): reached from `min_points` up to the
    next level's; `rank` 1 is the top."""

    rating_set = models.ForeignKey(RatingSet, on_delete=models.PROTECT, related_name="levels")
    code = models.SlugField(max_length=30)
    name = models.CharField(_("mức xếp loại"), max_length=100)
    rank = models.PositiveSmallIntegerField()
    min_points = models.DecimalField(_("điểm tối thiểu"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["rating_set_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["rating_set", "code"], name="rating_level_code_once"),
            models.UniqueConstraint(fields=["rating_set", "rank"], name="rating_level_rank_once"),
        ]

    def __str__(self):
        return self.name

    @property
    def min_points_text(self) -> str:
        return format_decimal(self.min_points, 2)


class CellRating(TimeStamped):
    """A cell's rating for a year: its self-rating (points and the level they reach in the set
    in force at the year's end), then the upper level's decision."""

    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("năm"))
    rating_set = models.ForeignKey(RatingSet, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm tự chấm"), max_digits=5, decimal_places=2)
    proposed_level = models.ForeignKey(
        RatingLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("tự xếp loại")
    )
    self_rated_on = models.DateField(_("ngày tự đánh giá"))
    decided_level = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("cấp trên quyết định"),
    )
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("xếp loại chi bộ")
        verbose_name_plural = _("xếp loại chi bộ")
        ordering = ["-year", "cell_id"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "year"], name="cell_rating_once_a_year"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=100), name="cell_rating_points_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.cell} {self.year}"

    @property
    def points_text(self) -> str:
        return format_decimal(self.points, 2)


class MemberRating(TimeStamped):
    """A member's rating for a year: the member's own level, the cell's proposal, and the
    decision of the committee that rates (its number and date)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ratings")
    # The cell the member was rated in (a member moves; the rating stays with that cell).
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    rating_set = models.ForeignKey(RatingSet, on_delete=models.PROTECT, related_name="+")
    self_level = models.ForeignKey(
        RatingLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("tự xếp loại")
    )
    proposed_level = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("chi bộ đề xuất"),
    )
    decided_level = models.ForeignKey(
        RatingLevel,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("cấp có thẩm quyền quyết định"),
    )
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("xếp loại đảng viên")
        verbose_name_plural = _("xếp loại đảng viên")
        ordering = ["-year", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="member_rating_once_a_year"),
        ]

    def __str__(self):
        return f"{self.member} {self.year}"
