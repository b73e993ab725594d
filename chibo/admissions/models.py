"""Admission of new members: the candidates (quần chúng ưu tú) and the dated, numbered steps of
their way into the Party, the yearly admission targets, and the admission rule as versioned data.

A candidate's stage is never stored: it is read from the steps recorded on or before a date
(rules.progress), so the board "as of" a past day is the same before and after later steps.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.core.vn import day_text
from chibo.members.models import Member, Sex
from chibo.organizations.models import DatedLink, Organization, link_constraints


class AdmissionRule(models.Model):
    """The admission rule's numbers, in force from a date (Điều lệ Đảng, Quy định 24-QĐ/TW and
    their guidance): the ceremony's deadline, the probation and the waiting alert."""

    effective_from = models.DateField(_("hiệu lực từ"), unique=True)
    source = models.CharField(_("văn bản"), max_length=200)
    ceremony_working_days = models.PositiveSmallIntegerField(
        _("tổ chức lễ kết nạp trong (ngày làm việc)")
    )
    probation_months = models.PositiveSmallIntegerField(_("thời gian dự bị (tháng)"))
    waiting_alert_months = models.PositiveSmallIntegerField(
        _("nhắc khi chờ ở một bước quá (tháng)")
    )
    sponsors_required = models.PositiveSmallIntegerField(_("số đảng viên giới thiệu"), default=2)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("quy định kết nạp")
        verbose_name_plural = _("quy định kết nạp")

    def __str__(self):
        return f"{self.source} ({day_text(self.effective_from)})"

    @classmethod
    def in_force(cls, on: datetime.date) -> "AdmissionRule":
        rule = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if rule is None:
            raise cls.DoesNotExist(f"No admission rule in force on {on}")
        return rule


class Candidate(TimeStamped):
    """A person the cell prepares for admission (quần chúng ưu tú); never hard-deleted.

    The member record is created from these fields by the ceremony step and linked here."""

    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("chi bộ"),
        limit_choices_to={"kind": Organization.Kind.CELL},
    )
    listed_on = models.DateField(_("ngày đưa vào danh sách quần chúng ưu tú"))
    full_name = models.CharField(_("họ và tên"), max_length=120)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=40)
    religion = models.CharField(_("tôn giáo"), max_length=40, blank=True, default="Không")
    occupation = models.CharField(_("nghề nghiệp"), max_length=100, blank=True)
    education = models.CharField(_("giáo dục phổ thông"), max_length=20, blank=True)
    qualification = models.CharField(_("chuyên môn, nghiệp vụ"), max_length=100, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=200, blank=True)
    residence = models.CharField(_("nơi ở hiện nay"), max_length=200, blank=True)
    citizen_id = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True)  # noqa: DJ001
    member = models.OneToOneField(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidacy",
        verbose_name=_("đảng viên"),
    )

    class Meta:
        ordering = ["cell_id", "listed_on", "id"]
        verbose_name = _("quần chúng ưu tú")
        verbose_name_plural = _("quần chúng ưu tú")
        indexes = [models.Index(fields=["cell", "listed_on"], name="candidate_cell_idx")]

    def __str__(self):
        return self.full_name


class CandidateCell(DatedLink):
    """The cell a candidate belonged to over [start, end) (Candidate.cell: the open row's). The
    first row starts on the day they were listed; a move (their cell merged or split) ends it
    and opens the next, so the board "as of" a day before the move is the same after it."""

    SUBJECT, TARGET = "candidate", "cell"
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="cell_links")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="candidate_links")

    class Meta:
        ordering = ["candidate_id", "start"]
        indexes = [models.Index(fields=["cell", "start"], name="candidatecell_cell_idx")]
        constraints = link_constraints("candidatecell", "candidate")
        verbose_name = _("chi bộ của quần chúng")
        verbose_name_plural = _("chi bộ của quần chúng")


class Step(models.TextChoices):
    """The steps of an admission, in their order; the last three end the probation."""

    COURSE = "course", _("Học lớp nhận thức về Đảng")
    APPLICATION = "application", _("Đơn xin vào Đảng")
    SPONSORS = "sponsors", _("Đảng viên giới thiệu")
    MASS_ORG = "mass_org", _("Nhận xét, giới thiệu của đoàn thể")
    CELL_RESOLUTION = "cell_resolution", _("Nghị quyết chi bộ đề nghị kết nạp")
    GRASSROOTS_RESOLUTION = "grassroots_resolution", _("Nghị quyết của đảng ủy cơ sở")
    DECISION = "decision", _("Quyết định kết nạp của cấp ủy cấp trên")
    CEREMONY = "ceremony", _("Lễ kết nạp")
    CELL_RECOGNITION = "cell_recognition", _("Nghị quyết chi bộ đề nghị công nhận chính thức")
    RECOGNITION = "recognition", _("Quyết định công nhận đảng viên chính thức")
    EXTENSION = "extension", _("Quyết định kéo dài thời gian xem xét")
    REMOVAL = "removal", _("Quyết định xóa tên đảng viên dự bị")
    STOPPED = "stopped", _("Dừng xem xét kết nạp")


class AdmissionStep(models.Model):
    """One step of a candidate's admission: its date and document number (certificate,
    resolution, decision), by whom it was recorded. A step is recorded once; a wrong one is
    corrected by the back office, never by a second row."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("bước"), max_length=24, choices=Step.choices)
    on = models.DateField(_("ngày"))
    number = models.CharField(_("số văn bản"), max_length=40, blank=True)
    issuer = models.CharField(_("nơi cấp, ban hành"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    sponsor_1 = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sponsor_2 = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    until = models.DateField(_("kéo dài đến ngày"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước kết nạp")
        verbose_name_plural = _("bước kết nạp")
        ordering = ["candidate_id", "on", "id"]
        indexes = [models.Index(fields=["kind", "on"], name="admission_step_kind_on_idx")]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "kind"], name="admission_step_once"),
            models.CheckConstraint(
                condition=Q(sponsor_1__isnull=True) | ~Q(sponsor_1=models.F("sponsor_2")),
                name="admission_step_two_sponsors",
            ),
        ]

    def __str__(self):
        return f"{self.candidate}: {self.get_kind_display()} ({day_text(self.on)})"


class AdmissionTarget(models.Model):
    """The number of members an organization is to admit in a year, as decided on a date.

    The upper level sets it for each grassroots organization; the grassroots committee may split
    it to its cells. A revision is a new row with a later `decided_on`: a figure "as of" a date
    reads the latest row decided on or before it, so revisions never rewrite the past."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="admission_targets"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.PositiveIntegerField(_("chỉ tiêu kết nạp"))
    decided_on = models.DateField(_("ngày giao"))
    number = models.CharField(_("số văn bản"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chỉ tiêu kết nạp")
        verbose_name_plural = _("chỉ tiêu kết nạp")
        ordering = ["organization_id", "year", "decided_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "decided_on"], name="admission_target_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.organization}: {self.value} ({self.year})"
