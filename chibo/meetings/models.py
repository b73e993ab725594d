"""Monthly cell meetings: the rules they follow (versioned data), the meeting record (agenda,
materials, roll call, guests, speakers, tasks, target progress, quality score), the officials who
follow cells and the organizations that help especially disadvantaged villages."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import DatedQuerySet
from chibo.core.models import TimeStamped
from chibo.members.models import Member
from chibo.organizations.models import Organization, Village
from chibo.targets.models import Target


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
        ordering = ["organization_id", "cell_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cell_type", "effective_from"],
                name="meeting_rule_unique",
            ),
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=28), name="meeting_rule_day"),
        ]

    def __str__(self):
        return f"{self.get_cell_type_display()}: {self.day} ({self.effective_from:%d/%m/%Y})"


class Holiday(models.Model):
    """A public holiday (a day off); meetings that fall on it move as the rule says."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("ngày lễ"), max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class AgendaTemplate(models.Model):
    """The standard agenda of a meeting (opening, business, closing), in force from a date."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    source = models.CharField(_("văn bản"), max_length=200, blank=True)

    class Meta:
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

    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings")
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
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minute_taker = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("tình hình, kết quả tháng qua"), blank=True)
    conclusions = models.TextField(_("kết luận"), blank=True)
    resolution = models.TextField(_("nghị quyết tháng"), blank=True)
    score_sheet = models.ForeignKey(
        ScoreSheet, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quality_points = models.PositiveSmallIntegerField(_("điểm chất lượng"), null=True, blank=True)
    quality_class = models.CharField(
        _("xếp loại"), max_length=10, choices=QualityClass.choices, blank=True
    )
    # Roll-call figures, kept with the record so lists need not count attendance rows.
    summoned = models.PositiveSmallIntegerField(_("triệu tập"), default=0)
    present = models.PositiveSmallIntegerField(_("có mặt"), default=0)
    absent_excused = models.PositiveSmallIntegerField(_("vắng có lý do"), default=0)
    absent_unexcused = models.PositiveSmallIntegerField(_("vắng không lý do"), default=0)
    materials_posted_at = models.DateTimeField(null=True, blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("ý kiến của Đảng ủy"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CellMeetingQuerySet.as_manager()

    class Meta:
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

    def __str__(self):
        return str(self.key)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="agenda")
    section = models.CharField(_("phần"), max_length=10, choices=Section.choices)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(_("nội dung"), max_length=300)
    removed = models.BooleanField(default=False)

    class Meta:
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
        ordering = ["meeting_id", "uploaded_at"]

    def __str__(self):
        return self.name


class Notification(models.Model):
    """An in-app message to a user (an invitation to a meeting, a returned record...)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    meeting = models.ForeignKey(
        CellMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_to = models.EmailField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "meeting", "kind"],
                condition=Q(meeting__isnull=False),
                name="notification_once_per_meeting",
            )
        ]

    def __str__(self):
        return self.text


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


class TaskUpdate(models.Model):
    """A progress report on a task by its owner (or the secretary)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="updates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    note = models.CharField(_("nội dung"), max_length=500)

    class Meta:
        ordering = ["task_id", "at"]

    def __str__(self):
        return f"{self.task}: {self.progress}%"


class ScoreEntry(models.Model):
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="scores")
    item = models.ForeignKey(ScoreItem, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField()

    class Meta:
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
        ordering = ["meeting_id", "doc_type"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "doc_type"], name="document_once"),
            models.UniqueConstraint(
                fields=["doc_type", "series", "number"], name="document_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.number:02d}-{self.doc_type}"


class CalendarFeed(models.Model):
    """A secret URL for an iCal feed of one cell's meetings or of one user's meetings."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    cell = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user} {self.cell or ''}"


class FollowAssignment(TimeStamped):
    """A district or commune cadre, or a commune police officer, assigned to follow and attend a
    cell's meetings from one date to another."""

    class Kind(models.TextChoices):
        DISTRICT_CADRE = "district_cadre", _("Cán bộ huyện")
        COMMUNE_CADRE = "commune_cadre", _("Cán bộ xã")
        COMMUNE_POLICE = "commune_police", _("Công an xã")

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_assignments"
    )
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="follow_assignments"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)
    role_assignment = models.OneToOneField(
        "accounts.RoleAssignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_assignment",
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["official_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="follow_interval",
            )
        ]

    def __str__(self):
        return f"{self.official} → {self.cell}"


class SupportAssignment(TimeStamped):
    """An organization assigned to help an especially disadvantaged village."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="support_assignments"
    )
    helper = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="support_assignments"
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["village_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="support_interval",
            )
        ]

    def __str__(self):
        return f"{self.helper} → {self.village}"


class SupportVisit(models.Model):
    """A visit of the helping organization to the village, and what was done."""

    assignment = models.ForeignKey(
        SupportAssignment, on_delete=models.PROTECT, related_name="visits"
    )
    on = models.DateField(_("ngày"))
    visitors = models.CharField(_("người đến"), max_length=300)
    activities = models.TextField(_("nội dung giúp đỡ"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assignment_id", "-on"]

    def __str__(self):
        return f"{self.assignment} {self.on:%d/%m/%Y}"
