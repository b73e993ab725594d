"""Criteria sets as versioned data (the province's village new-rural criteria, the model-village
criteria, the district's 12 policies, the national commune criteria of QĐ 318/2022 and QĐ
51/2025) and each village's status on their items, year by year.

A set is in force over [valid_from, valid_to) like every dated row (chibo.core.dated); a new set
of a kind ends the old one on its start, and what was recorded against the old set's items stays
as it was.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import ValidFromToQuerySet
from chibo.core.models import TimeStamped
from chibo.core.vn import format_decimal
from chibo.organizations.models import Village


class CriteriaSet(TimeStamped):
    """One version of a set of criteria of one kind, e.g. "Bộ tiêu chí bản NTM tỉnh, 2022–2025"."""

    class Kind(models.TextChoices):
        VILLAGE_NTM = "village_ntm", _("Tiêu chí bản nông thôn mới (tỉnh)")
        VILLAGE_MODEL = "village_model", _("Tiêu chí bản nông thôn mới kiểu mẫu (tỉnh)")
        DISTRICT_POLICIES = "district_policies", _("12 chủ trương của Ban Thường vụ Huyện ủy")
        COMMUNE_NTM = "commune_ntm", _("Tiêu chí quốc gia xã nông thôn mới")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    decision = models.CharField(_("văn bản ban hành"), max_length=120, blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = ValidFromToQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["kind", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="criteriaset_interval",
            ),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(valid_to__isnull=True), name="criteriaset_one_open"
            ),
        ]

    def __str__(self):
        return self.name


class CriteriaItem(models.Model):
    """One criterion of a set: how it is measured, its unit and the threshold that meets it."""

    class Compare(models.TextChoices):
        AT_LEAST = "ge", _("Đạt khi từ ngưỡng trở lên")
        AT_MOST = "le", _("Đạt khi không quá ngưỡng")

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên tiêu chí"), max_length=200)
    measure = models.CharField(_("cách đo"), max_length=300, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    compare = models.CharField(
        _("so với ngưỡng"), max_length=2, choices=Compare.choices, default=Compare.AT_LEAST
    )
    threshold = models.DecimalField(_("ngưỡng"), max_digits=12, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criteriaitem_code"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def threshold_text(self) -> str:
        """ "≥ 95" or "≤ 2,5": the threshold as a page shows it."""
        sign = "≤" if self.compare == self.Compare.AT_MOST else "≥"
        return f"{sign} {format_decimal(self.threshold, 2)}"

    def meets(self, value: Decimal) -> bool:
        """Whether `value` meets the threshold."""
        if self.compare == self.Compare.AT_MOST:
            return value <= self.threshold
        return value >= self.threshold


class VillageCriterionStatus(models.Model):
    """A village's value on one criterion in one year and whether it met the threshold (kept as
    it was judged: a later change of the item's set never rewrites it)."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="criteria_status")
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="statuses")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị đạt"), max_digits=12, decimal_places=2)
    met = models.BooleanField(_("đạt"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kết quả tiêu chí của thôn, bản")
        verbose_name_plural = _("kết quả tiêu chí của thôn, bản")
        ordering = ["village_id", "year", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "item", "year"], name="villagecriterion_one_a_year"
            ),
        ]

    def __str__(self):
        return f"{self.village_id} {self.item} {self.year}: {self.value}"

    @property
    def value_text(self) -> str:
        return format_decimal(self.value, 2)
