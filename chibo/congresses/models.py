"""Congresses: an organization's plan for a term (a deadline per congress, the preparation
steps, the held date) of the congresses of the cells under it (đại hội chi bộ) or of the
grassroots committees under a province or district (đại hội đảng bộ cơ sở: a commune's
đảng bộ xã), the .docx templates of the congress documents with the prose written for them,
and the cells' working regulations.

The committee a congress elects is not kept here: holding a congress opens the organization's
term and records its seats through the committees' services (committees.Term,
committees.Position).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.committees.models import Term
from chibo.core.models import TimeStamped
from chibo.organizations.models import Organization


class CongressPlan(TimeStamped):
    """An organization's plan (kế hoạch) for the congresses of the cells under it, or, for a
    province or district committee, of the grassroots committees under it, for a term that runs
    [term_start, term_end) like every dated row. One plan per organization and term: a
    province's plan may hold both (its grassroots committees and the cells directly under it)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="congress_plans"
    )
    term_name = models.CharField(_("nhiệm kỳ"), max_length=20)
    term_start = models.DateField(_("nhiệm kỳ từ ngày"))
    term_end = models.DateField(_("nhiệm kỳ đến ngày"))
    deadline = models.DateField(_("hạn hoàn thành đại hội (ngày cuối)"))
    reference = models.CharField(_("số kế hoạch"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kế hoạch đại hội")
        verbose_name_plural = _("kế hoạch đại hội")
        ordering = ["organization_id", "-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="congress_plan_interval"
            ),
            models.UniqueConstraint(
                fields=["organization", "term_start"], name="congress_plan_unique_term"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.term_name}"


class CongressStep(models.TextChoices):
    """The preparation steps of a cell's congress, in order."""

    DRAFTED = "drafted", _("Dự thảo văn kiện")
    OPINION = "opinion", _("Cấp trên cho ý kiến")
    PERSONNEL = "personnel", _("Chuẩn bị nhân sự")
    SCHEDULED = "scheduled", _("Ấn định ngày đại hội")
    HELD = "held", _("Đã tổ chức đại hội")


class CellCongress(TimeStamped):
    """One organization's congress in a plan: its own deadline, the day each preparation step
    was done, the day it was held and the term it opened (the committees' Term, which holds the
    seats). `cell` is the organization that holds it: a cell, or a grassroots committee
    (`is_committee`, kind grassroots) in its superior's plan. (The name stays from when only
    cells were planned: the workbook, the reports and the demo read it.)"""

    plan = models.ForeignKey(CongressPlan, on_delete=models.PROTECT, related_name="cells")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="congresses")
    deadline = models.DateField(_("hạn hoàn thành (ngày cuối)"))
    drafted_on = models.DateField(_("ngày dự thảo xong văn kiện"), null=True, blank=True)
    opinion_on = models.DateField(_("ngày cấp trên cho ý kiến"), null=True, blank=True)
    personnel_on = models.DateField(_("ngày duyệt nhân sự"), null=True, blank=True)
    scheduled_on = models.DateField(_("ngày dự kiến đại hội"), null=True, blank=True)
    held_on = models.DateField(_("ngày đại hội"), null=True, blank=True)
    term = models.OneToOneField(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="congress"
    )

    class Meta:
        verbose_name = _("đại hội chi bộ")
        verbose_name_plural = _("đại hội chi bộ")
        ordering = ["plan_id", "cell__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "cell"], name="cell_congress_unique"),
        ]

    def __str__(self):
        return f"{self.cell} {self.plan.term_name}"

    @property
    def is_committee(self) -> bool:
        """The congress of a grassroots committee (đại hội đảng bộ cơ sở), not of a cell."""
        return self.cell.kind == Organization.Kind.GRASSROOTS

    @property
    def document_kinds(self) -> tuple[str, ...]:
        return COMMITTEE_DOCUMENTS if self.is_committee else CELL_DOCUMENTS

    @property
    def step(self) -> str:
        """The last step done."""
        for value, field in (
            (CongressStep.HELD, "held_on"),
            (CongressStep.SCHEDULED, "scheduled_on"),
            (CongressStep.PERSONNEL, "personnel_on"),
            (CongressStep.OPINION, "opinion_on"),
            (CongressStep.DRAFTED, "drafted_on"),
        ):
            if getattr(self, field):
                return value
        return ""

    @property
    def days_ahead(self) -> int | None:
        """Days from the congress to the cell's deadline (negative: late); None before it."""
        return None if self.held_on is None else (self.deadline - self.held_on).days

    def late(self, on: datetime.date) -> bool:
        return (self.held_on or on) > self.deadline


class DocumentKind(models.TextChoices):
    POLITICAL_REPORT = "political_report", _("Báo cáo chính trị")
    DRAFT_RESOLUTION = "draft_resolution", _("Dự thảo Nghị quyết đại hội")
    COMMITTEE_REPORT = "committee_report", _("Báo cáo chính trị đại hội đảng bộ")
    COMMITTEE_RESOLUTION = "committee_resolution", _("Nghị quyết đại hội đảng bộ")


# The documents of a cell's congress and of a grassroots committee's.
CELL_DOCUMENTS = (DocumentKind.POLITICAL_REPORT, DocumentKind.DRAFT_RESOLUTION)
COMMITTEE_DOCUMENTS = (DocumentKind.COMMITTEE_REPORT, DocumentKind.COMMITTEE_RESOLUTION)


def template_path(instance, filename):
    # A new name for every upload: a stored template is never overwritten.
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
    return f"congress-templates/{instance.organization_id}/{instance.kind}-{stamp}.docx"


class CongressTemplate(TimeStamped):
    """A version of an organization's .docx template for a congress document, in use from
    `valid_from` until a later version of the same kind (rows are never changed)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="congress_templates"
    )
    kind = models.CharField(_("văn kiện"), max_length=20, choices=DocumentKind.choices)
    valid_from = models.DateField(_("áp dụng từ"))
    name = models.CharField(_("tên mẫu"), max_length=200)
    file = models.FileField(upload_to=template_path, max_length=300)
    placeholders = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mẫu văn kiện đại hội")
        verbose_name_plural = _("mẫu văn kiện đại hội")
        ordering = ["organization_id", "kind", "-valid_from", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class CongressDraft(TimeStamped):
    """The prose the cell writes for its congress documents; the figures come from the data."""

    congress = models.OneToOneField(CellCongress, on_delete=models.PROTECT, related_name="draft")
    situation = models.TextField(_("đặc điểm tình hình"), blank=True)
    achievements = models.TextField(_("kết quả đạt được"), blank=True)
    shortcomings = models.TextField(_("hạn chế, nguyên nhân"), blank=True)
    lessons = models.TextField(_("bài học kinh nghiệm"), blank=True)
    directions = models.TextField(_("phương hướng, mục tiêu nhiệm kỳ tới"), blank=True)
    solutions = models.TextField(_("nhiệm vụ, giải pháp"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    PROSE = ("situation", "achievements", "shortcomings", "lessons", "directions", "solutions")

    class Meta:
        verbose_name = _("dự thảo văn kiện đại hội")
        verbose_name_plural = _("dự thảo văn kiện đại hội")

    def __str__(self):
        return str(self.congress)


def regulation_path(instance, filename):
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"regulations/{instance.cell_id}/{stamp}.{ext[:5]}"


class WorkingRegulation(TimeStamped):
    """A version of a cell's working regulations (quy chế làm việc), adopted on a day; a new
    version is a new row, the older ones stay."""

    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="working_regulations"
    )
    adopted_on = models.DateField(_("ngày ban hành"))
    reference = models.CharField(_("số văn bản"), max_length=100, blank=True)
    text = models.TextField(_("nội dung"), blank=True)
    file = models.FileField(upload_to=regulation_path, max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("quy chế làm việc")
        verbose_name_plural = _("quy chế làm việc")
        ordering = ["cell_id", "-adopted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cell", "adopted_on"], name="regulation_unique_day"),
        ]

    def __str__(self):
        return f"{self.cell} {self.adopted_on:%d/%m/%Y}"


class RegulationReview(models.Model):
    """A review of a regulation version by the cell (kept as adopted or found to need a new
    version)."""

    regulation = models.ForeignKey(
        WorkingRegulation, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField(_("ngày rà soát"))
    note = models.CharField(_("kết luận"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần rà soát quy chế")
        verbose_name_plural = _("lần rà soát quy chế")
        ordering = ["regulation_id", "-reviewed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "reviewed_on"], name="regulation_review_unique_day"
            ),
        ]

    def __str__(self):
        return f"{self.regulation} ({self.reviewed_on:%d/%m/%Y})"
