"""The rules meetings follow, kept as versioned data: the meeting day of each type of cell under
an organization, holidays, agenda templates and score sheets with their quality classes."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.vn import day_text
from chibo.organizations.models import Organization


class DayShift(models.TextChoices):
    KEEP = "keep", _("Giữ nguyên ngày")
    BEFORE = "before", _("Lùi về ngày làm việc liền trước")
    AFTER = "after", _("Dời sang ngày làm việc liền sau")


class CellType(models.TextChoices):
    RESIDENTIAL = "residential", _("Chi bộ thôn, bản, tiểu khu")
    AGENCY = "agency", _("Chi bộ cơ quan")


class MeetingRule(models.Model):
    """When cells of one type under an organization meet, in force from a date.

    The rule of the nearest organization above a cell wins (a commune may set its own day); among
    the rules of one organization, the latest one in force on the meeting's month. A rule with no
    organization applies everywhere.
    """

    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_rules",
    )
    cell_type = models.CharField(_("loại chi bộ"), max_length=12, choices=CellType.choices)
    effective_from = models.DateField(_("hiệu lực từ"))
    day = models.PositiveSmallIntegerField(_("ngày sinh hoạt trong tháng"))
    on_sunday = models.CharField(
        _("nếu trùng Chủ nhật"), max_length=6, choices=DayShift.choices, default=DayShift.KEEP
    )
    on_holiday = models.CharField(
        _("nếu trùng ngày lễ"), max_length=6, choices=DayShift.choices, default=DayShift.AFTER
    )
    overdue_after_days = models.PositiveSmallIntegerField(
        _("quá hạn ghi biên bản sau (ngày)"), default=2
    )
    min_minutes = models.PositiveSmallIntegerField(_("thời lượng tối thiểu (phút)"), default=90)
    min_minutes_thematic = models.PositiveSmallIntegerField(
        _("thời lượng tối thiểu khi có chuyên đề (phút)"), default=120
    )
    materials_days_ahead = models.PositiveSmallIntegerField(
        _("gửi tài liệu trước (ngày)"), default=1
    )
    source = models.CharField(_("văn bản"), max_length=200)

    class Meta:
        verbose_name = _("quy định lịch sinh hoạt")
        verbose_name_plural = _("quy định lịch sinh hoạt")
        ordering = ["organization_id", "cell_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cell_type", "effective_from"],
                name="meeting_rule_unique",
            ),
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=28), name="meeting_rule_day"),
        ]

    def __str__(self):
        return f"{self.get_cell_type_display()}: {self.day} ({day_text(self.effective_from)})"


class Holiday(models.Model):
    """A public holiday (a day off); meetings that fall on it move as the rule says."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("ngày lễ"), max_length=100)

    class Meta:
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = _("ngày nghỉ lễ")
        ordering = ["date"]

    def __str__(self):
        return f"{day_text(self.date)} {self.name}"


class AgendaTemplate(models.Model):
    """The standard agenda of a meeting (opening, business, closing), in force from a date."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    source = models.CharField(_("văn bản"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mẫu chương trình sinh hoạt")
        verbose_name_plural = _("mẫu chương trình sinh hoạt")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "effective_from"], name="agenda_template_unique"
            )
        ]

    def __str__(self):
        return self.name


class Section(models.TextChoices):
    OPENING = "opening", _("Phần mở đầu")
    BUSINESS = "business", _("Phần nội dung")
    CLOSING = "closing", _("Phần kết thúc")


class AgendaTemplateItem(models.Model):
    template = models.ForeignKey(AgendaTemplate, on_delete=models.PROTECT, related_name="items")
    section = models.CharField(max_length=10, choices=Section.choices)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("mục của mẫu chương trình")
        verbose_name_plural = _("mục của mẫu chương trình")
        ordering = ["template_id", "order"]

    def __str__(self):
        return self.title


class ScoreSheet(models.Model):
    """A 100-point sheet for the quality self-score of a meeting, in force from a date, with the
    class thresholds (Tốt / Khá / Trung bình / Kém)."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    source = models.CharField(_("văn bản"), max_length=200, blank=True)
    good_min = models.PositiveSmallIntegerField(_("Tốt từ"), default=90)
    fair_min = models.PositiveSmallIntegerField(_("Khá từ"), default=70)
    average_min = models.PositiveSmallIntegerField(_("Trung bình từ"), default=50)

    class Meta:
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "effective_from"], name="score_sheet_unique"
            )
        ]

    def __str__(self):
        return self.name

    def classify(self, points: int) -> str:
        if points >= self.good_min:
            return QualityClass.GOOD
        if points >= self.fair_min:
            return QualityClass.FAIR
        if points >= self.average_min:
            return QualityClass.AVERAGE
        return QualityClass.POOR


class ScoreItem(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="items")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    max_points = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("mục chấm điểm")
        verbose_name_plural = _("mục chấm điểm")
        ordering = ["sheet_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="score_item_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.max_points})"


class QualityClass(models.TextChoices):
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    POOR = "poor", _("Kém")
