"""A cell's meeting and its record: agenda, materials, roll call, guests, speakers, tasks, the
quality score, the submissions of the record form and the numbered documents."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chibo.core.models import TimeStamped
from chibo.members.models import Member
from chibo.organizations.models import Organization
from chibo.targets.models import Target

from .rules import QualityClass, ScoreItem, ScoreSheet, Section


class CellMeetingQuerySet(models.QuerySet):
    def under(self, org: Organization):
        from chibo.organizations.models import subtree_q

        return self.filter(subtree_q(org.path, "cell__path"))

    def in_month(self, month: datetime.date):
        return self.filter(month=month.replace(day=1))


class CellMeeting(TimeStamped):
    """One meeting of a cell: regular (monthly) or thematic, planned then recorded."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Thường kỳ")
        THEMATIC = "thematic", _("Chuyên đề")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Dự kiến")
        HELD = "held", _("Đã ghi biên bản")
        CONFIRMED = "confirmed", _("Đảng ủy đã xác nhận")
        RETURNED = "returned", _("Trả lại để bổ sung")

    # The status sets, named once. RECORDED: a record was saved (the meeting was held), whatever
    # the commune said since; what the oversight pages, indicators and officials' attendance
    # count. WITH_DOCUMENTS: the record stands, so its minutes and resolution are issued; a
    # returned record is being corrected and has none until it is saved again.
    RECORDED = (Status.HELD, Status.CONFIRMED, Status.RETURNED)
    WITH_DOCUMENTS = (Status.HELD, Status.CONFIRMED)

    cell = models.ForeignKey(
        Organization, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="meetings"
    )
    month = models.DateField(_("tháng"))  # first day of the month the meeting belongs to
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    topic = models.CharField(_("chuyên đề"), max_length=300, blank=True)
    scheduled_date = models.DateField(_("ngày dự kiến"))
    held_on = models.DateField(_("ngày họp"), null=True, blank=True)
    start_time = models.TimeField(_("bắt đầu"), null=True, blank=True)
    end_time = models.TimeField(_("kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    chair = models.ForeignKey(
        Member, verbose_name=_("chủ trì"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    minute_taker = models.ForeignKey(
        Member, verbose_name=_("thư ký ghi biên bản"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    summary = models.TextField(_("tình hình, kết quả tháng qua"), blank=True)
    conclusions = models.TextField(_("kết luận"), blank=True)
    resolution = models.TextField(_("nghị quyết tháng"), blank=True)
    score_sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("phiếu chấm điểm"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    quality_points = models.PositiveSmallIntegerField(_("điểm chất lượng"), null=True, blank=True)
    quality_class = models.CharField(
        _("xếp loại"), max_length=10, choices=QualityClass.choices, blank=True
    )
    # Roll-call figures, kept with the record so lists need not count attendance rows.
    summoned = models.PositiveSmallIntegerField(_("triệu tập"), default=0)
    present = models.PositiveSmallIntegerField(_("có mặt"), default=0)
    absent_excused = models.PositiveSmallIntegerField(_("vắng có lý do"), default=0)
    absent_unexcused = models.PositiveSmallIntegerField(_("vắng không lý do"), default=0)
    materials_posted_at = models.DateTimeField(_("đăng tài liệu lúc"), null=True, blank=True)
    invitations_sent_at = models.DateTimeField(_("gửi giấy mời lúc"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi biên bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi biên bản lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận xét"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("nhận xét lúc"), null=True, blank=True)
    review_comment = models.TextField(_("ý kiến của Đảng ủy"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = CellMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("buổi sinh hoạt chi bộ")
        verbose_name_plural = _("buổi sinh hoạt chi bộ")
        ordering = ["cell_id", "scheduled_date"]
        indexes = [
            models.Index(fields=["month", "cell"], name="meeting_month_idx"),
            models.Index(fields=["status", "scheduled_date"], name="meeting_status_idx"),
            # A cell's meetings by their day (held, else scheduled): the officials' attendance
            # reads a year of each followed cell's meetings by that day.
            models.Index(
                F("cell"), Coalesce("held_on", "scheduled_date"), name="meeting_cell_day_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cell", "month"],
                condition=Q(kind="regular"),
                name="meeting_one_regular_a_month",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.cell} {self.month:%m/%Y} ({self.get_kind_display()})"

    @property
    def has_thematic_part(self) -> bool:
        return self.kind == self.Kind.THEMATIC or bool(self.topic)

    @property
    def duration_minutes(self) -> int | None:
        if not (self.start_time and self.end_time):
            return None
        start = datetime.datetime.combine(datetime.date.min, self.start_time)
        end = datetime.datetime.combine(datetime.date.min, self.end_time)
        return int((end - start).total_seconds() // 60)


class MeetingSubmission(models.Model):
    """A submit of the record form, by the key the browser made for it: a repeated submit (a
    dropped connection, a double tap) finds its key and changes nothing."""

    key = models.UUIDField(unique=True)
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField()  # the meeting's version the submit produced

    class Meta:
        verbose_name = _("lần gửi biên bản")
        verbose_name_plural = _("lần gửi biên bản")

    def __str__(self):
        return str(self.key)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="agenda")
    section = models.CharField(_("phần"), max_length=10, choices=Section.choices)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(_("nội dung"), max_length=300)
    removed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mục chương trình sinh hoạt")
        verbose_name_plural = _("mục chương trình sinh hoạt")
        ordering = ["meeting_id", "order"]

    def __str__(self):
        return self.title


def material_path(instance, filename):
    return f"meetings/{instance.meeting.month:%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Material(models.Model):
    """A document attached to a meeting (checked for type and size; withdrawn, never deleted)."""

    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="materials")
    file = models.FileField(upload_to=material_path, max_length=300)
    name = models.CharField(_("tên tài liệu"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tài liệu sinh hoạt")
        verbose_name_plural = _("tài liệu sinh hoạt")
        ordering = ["meeting_id", "uploaded_at"]

    def __str__(self):
        return self.name


class Attendance(models.Model):
    """One member on the roll call. `summoned` = official or probationary member of the cell on
    the meeting's date (exempt members come outside the base)."""

    class Presence(models.TextChoices):
        PRESENT = "present", _("Có mặt")
        EXCUSED = "excused", _("Vắng có lý do")
        UNEXCUSED = "unexcused", _("Vắng không lý do")

    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    summoned = models.BooleanField(default=True)
    presence = models.CharField(max_length=10, choices=Presence.choices)
    reason = models.CharField(_("lý do"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_presence_display()}"


class Guest(models.Model):
    """Someone from outside the cell at the meeting: an assigned official, the commune police,
    others; with the guidance they left."""

    class Kind(models.TextChoices):
        ASSIGNED_OFFICIAL = "assigned_official", _("Cán bộ được phân công dự")
        COMMUNE_POLICE = "commune_police", _("Công an xã")
        OTHER = "other", _("Khách mời khác")

    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="guests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("họ và tên"), max_length=120)
    organization = models.CharField(_("đơn vị"), max_length=200, blank=True)
    guidance = models.TextField(_("ý kiến chỉ đạo"), blank=True)

    class Meta:
        verbose_name = _("khách mời")
        verbose_name_plural = _("khách mời")
        ordering = ["meeting_id", "id"]
        indexes = [
            # Did this official come to this meeting (the officials' attendance, pair by pair)?
            models.Index(fields=["meeting", "user"], name="guest_meeting_user_idx"),
        ]

    def __str__(self):
        return self.name


class Speech(models.Model):
    """A speaker at the meeting and the gist of what they said."""

    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="speeches")
    order = models.PositiveSmallIntegerField()
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker = models.CharField(_("người phát biểu"), max_length=120)
    gist = models.TextField(_("tóm tắt ý kiến"))

    class Meta:
        verbose_name = _("ý kiến phát biểu")
        verbose_name_plural = _("ý kiến phát biểu")
        ordering = ["meeting_id", "order"]

    def __str__(self):
        return self.speaker


class Task(TimeStamped):
    """A task set at a meeting for a named member, the committee or a mass organization, with a
    deadline and the target it serves; reviewed at a later meeting."""

    class Owner(models.TextChoices):
        MEMBER = "member", _("Đảng viên")
        COMMITTEE = "committee", _("Chi ủy")
        MASS_ORG = "mass_org", _("Đoàn thể")

    class State(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        LATE = "late", _("Hoàn thành chậm")
        NOT_DONE = "not_done", _("Không hoàn thành")

    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meeting_tasks")
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    owner_kind = models.CharField(_("giao cho"), max_length=10, choices=Owner.choices)
    owner_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_name = models.CharField(_("tên đoàn thể"), max_length=120, blank=True)
    deadline = models.DateField(_("thời hạn"))
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    state = models.CharField(_("kết quả"), max_length=10, choices=State.choices, default=State.OPEN)
    reviewed_at = models.ForeignKey(
        CellMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_tasks"
    )
    review_note = models.CharField(_("ghi chú đánh giá"), max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)

    class Meta:
        verbose_name = _("nhiệm vụ được giao")
        verbose_name_plural = _("nhiệm vụ được giao")
        ordering = ["cell_id", "deadline", "id"]
        indexes = [
            models.Index(fields=["owner_member", "state"], name="task_owner_idx"),
            # A cell's tasks by deadline (the task completion figure reads a year of them).
            models.Index(fields=["cell", "deadline", "state"], name="task_cell_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_kind="member") | Q(owner_member__isnull=False),
                name="task_member_owner",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_le100"),
        ]

    def __str__(self):
        return self.title


class ScoreEntry(models.Model):
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey(ScoreItem, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("điểm chấm")
        verbose_name_plural = _("điểm chấm")
        ordering = ["meeting_id", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "item"], name="score_entry_once"),
        ]

    def __str__(self):
        return f"{self.item}: {self.points}"


class MeetingDocument(models.Model):
    """A numbered document of a meeting (minutes, resolution): "Số 05-NQ/CB", numbered from 01
    per type within the cell's term (or the calendar year where no term is recorded)."""

    class Type(models.TextChoices):
        MINUTES = "BB", _("Biên bản")
        RESOLUTION = "NQ", _("Nghị quyết")

    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField(max_length=2, choices=Type.choices)
    series = models.CharField(max_length=40)  # "term:<id>" or "year:<yyyy>"
    number = models.PositiveIntegerField()
    issued_on = models.DateField()

    class Meta:
        verbose_name = _("văn bản của buổi sinh hoạt")
        verbose_name_plural = _("văn bản của buổi sinh hoạt")
        ordering = ["meeting_id", "doc_type"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "doc_type"], name="document_once"),
            models.UniqueConstraint(
                fields=["doc_type", "series", "number"], name="document_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.number:02d}-{self.doc_type}"
