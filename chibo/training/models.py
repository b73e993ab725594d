"""Training courses and attendance, theory-level history, and the secretary contest."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.core.vn import day_text
from chibo.members.models import Member, TheoryLevel
from chibo.organizations.models import Organization


class TrainingCourse(TimeStamped):
    """A class (lớp): party-work or government-work training, theory, admission or new members."""

    class Kind(models.TextChoices):
        PARTY_WORK = "party_work", _("Tập huấn nghiệp vụ công tác đảng")
        GOVERNMENT_WORK = "government_work", _("Tập huấn công tác chính quyền")
        BASIC_THEORY = "basic_theory", _("Sơ cấp lý luận chính trị")
        INTERMEDIATE_THEORY = "intermediate_theory", _("Trung cấp lý luận chính trị")
        CANDIDATES = "candidates", _("Bồi dưỡng nhận thức về Đảng")
        NEW_MEMBERS = "new_members", _("Bồi dưỡng đảng viên mới")

    # Completing these raises the participant's theory level.
    THEORY_OF_KIND = {
        Kind.BASIC_THEORY: TheoryLevel.BASIC,
        Kind.INTERMEDIATE_THEORY: TheoryLevel.INTERMEDIATE,
    }

    kind = models.CharField(_("loại lớp"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("tên lớp"), max_length=200)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("đơn vị tổ chức"),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        ordering = ["-start", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="course_interval")
        ]

    def __str__(self):
        return self.title


class Enrollment(TimeStamped):
    """A participant in a course, from enrolment to the result."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Đã cử đi học")
        COMPLETED = "completed", _("Hoàn thành")
        FAILED = "failed", _("Không đạt")
        ABSENT = "absent", _("Vắng, bỏ học")

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="enrollments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        _("kết quả"), max_length=10, choices=Status.choices, default=Status.ENROLLED
    )
    certificate = models.CharField(_("số chứng chỉ"), max_length=60, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("học viên của lớp")
        verbose_name_plural = _("học viên của lớp")
        ordering = ["course_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="enrollment_unique")
        ]

    def __str__(self):
        return f"{self.member} @ {self.course}"


class TheoryLevelChange(models.Model):
    """A dated change of a member's political theory level, with what caused it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="theory_changes")
    previous = models.CharField(max_length=20, choices=TheoryLevel.choices)
    level = models.CharField(max_length=20, choices=TheoryLevel.choices)
    on = models.DateField(_("ngày"))
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi trình độ lý luận")
        verbose_name_plural = _("thay đổi trình độ lý luận")
        ordering = ["member_id", "on", "id"]

    def __str__(self):
        return f"{self.member}: {self.previous} → {self.level} ({day_text(self.on)})"


class Contest(TimeStamped):
    """The good cell secretary contest (Hội thi Bí thư chi bộ giỏi) of a year."""

    name = models.CharField(_("tên hội thi"), max_length=200)
    organizer = models.ForeignKey(
        Organization, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT,
        related_name="contests",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("năm"))
    max_score = models.DecimalField(_("điểm tối đa"), max_digits=5, decimal_places=2, default=100)

    class Meta:
        verbose_name = _("hội thi")
        verbose_name_plural = _("hội thi")

    def __str__(self):
        return self.name


class ContestRound(TimeStamped):
    class Level(models.TextChoices):
        GRASSROOTS = "grassroots", _("Cấp cơ sở")
        DISTRICT = "district", _("Cấp huyện")

    contest = models.ForeignKey(
        Contest, verbose_name=_("hội thi"), on_delete=models.PROTECT, related_name="rounds"
    )
    level = models.CharField(_("cấp thi"), max_length=12, choices=Level.choices)
    held_on = models.DateField(_("ngày thi"))
    organizer = models.ForeignKey(
        Organization, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("vòng thi")
        verbose_name_plural = _("vòng thi")
        ordering = ["contest_id", "held_on"]

    def __str__(self):
        return f"{self.contest} – {self.get_level_display()} – {self.organizer}"


class Contestant(TimeStamped):
    """A contestant of a round, for a cell, with a score and a prize."""

    class Prize(models.TextChoices):
        NONE = "", _("Không")
        FIRST = "first", _("Giải Nhất")
        SECOND = "second", _("Giải Nhì")
        THIRD = "third", _("Giải Ba")
        CONSOLATION = "consolation", _("Giải Khuyến khích")

    round = models.ForeignKey(ContestRound, on_delete=models.PROTECT, related_name="contestants")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contestants")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contest_entries")
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    prize = models.CharField(_("giải"), max_length=12, choices=Prize.choices, blank=True)

    class Meta:
        verbose_name = _("thí sinh")
        verbose_name_plural = _("thí sinh")
        ordering = ["round_id", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="contestant_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="contestant_score_min"
            ),
        ]

    def __str__(self):
        return f"{self.member} ({self.cell})"
