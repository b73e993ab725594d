"""Members, the dated history of the cells they belonged to, and their status changes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core import vn
from chibo.core.dated import DatedQuerySet
from chibo.core.dates import age_on
from chibo.core.models import BinaryCollationCharField, TimeStamped
from chibo.core.vn import day_text
from chibo.organizations.models import Organization, subtree_q


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Status(models.TextChoices):
    ACTIVE = "active", _("Đang sinh hoạt")
    EXEMPT = "exempt", _("Miễn sinh hoạt")
    TRANSFERRED_OUT = "transferred_out", _("Đã chuyển đi")
    DECEASED = "deceased", _("Đã từ trần")
    REMOVED = "removed", _("Đã ra khỏi Đảng")


# Statuses in which the member still belongs to a cell.
IN_CELL_STATUSES = (Status.ACTIVE, Status.EXEMPT)


class TheoryLevel(models.TextChoices):
    NONE = "none", _("Chưa qua đào tạo")
    BASIC = "basic", _("Sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ADVANCED = "advanced", _("Cao cấp")
    BACHELOR = "bachelor", _("Cử nhân")


THEORY_RANK = {
    TheoryLevel.NONE: 0,
    TheoryLevel.BASIC: 1,
    TheoryLevel.INTERMEDIATE: 2,
    TheoryLevel.ADVANCED: 3,
    TheoryLevel.BACHELOR: 3,  # cử nhân counts as cao cấp
}


class MemberQuerySet(models.QuerySet):
    def in_cell(self):
        return self.filter(status__in=IN_CELL_STATUSES)

    def under(self, org: Organization):
        return self.filter(subtree_q(org.path, "cell__path"))

    def official(self, on: datetime.date):
        return self.filter(official_date__isnull=False, official_date__lte=on)

    def probationary(self, on: datetime.date):
        return self.filter(admission_date__lte=on).filter(
            Q(official_date__isnull=True) | Q(official_date__gt=on)
        )

    def search(self, text: str):
        """Every word of `text`, accents and case ignored, in the name, card number or ID."""
        qs = self
        for word in vn.fold(text).split()[:6]:
            qs = qs.filter(search_text__contains=word)
        return qs


class Member(TimeStamped):
    """A Party member (đảng viên); never hard-deleted, statuses are dated."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    family_name = models.CharField(_("họ"), max_length=40, editable=False)
    middle_name = models.CharField(_("tên đệm"), max_length=60, blank=True, editable=False)
    given_name = models.CharField(_("tên"), max_length=40, editable=False)
    other_names = models.CharField(_("tên gọi khác"), max_length=120, blank=True)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("ngày sinh"))
    birthplace = models.CharField(_("nơi sinh"), max_length=200, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=200, blank=True)
    residence = models.CharField(_("nơi ở hiện nay"), max_length=200, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=40)
    religion = models.CharField(_("tôn giáo"), max_length=40, blank=True, default="Không")
    occupation = models.CharField(_("nghề nghiệp"), max_length=100, blank=True)
    # NULL, not "", for a missing number: the partial unique constraints skip NULLs.
    citizen_id = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True)  # noqa: DJ001
    party_card_number = models.CharField(  # noqa: DJ001
        _("số thẻ đảng viên"), max_length=20, null=True, blank=True
    )
    admission_date = models.DateField(_("ngày vào Đảng"))
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True)
    education = models.CharField(_("giáo dục phổ thông"), max_length=20, blank=True)
    qualification = models.CharField(_("chuyên môn, nghiệp vụ"), max_length=100, blank=True)
    theory_level = models.CharField(
        _("lý luận chính trị"), max_length=20, choices=TheoryLevel.choices, default=TheoryLevel.NONE
    )
    foreign_language = models.CharField(_("ngoại ngữ"), max_length=60, blank=True)
    it_level = models.CharField(_("tin học"), max_length=60, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField(_("trạng thái từ ngày"), null=True, blank=True)
    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("chi bộ"),
        limit_choices_to={"kind": Organization.Kind.CELL},
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=False)
    sort_key = BinaryCollationCharField(max_length=255, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        indexes = [
            models.Index(fields=["cell", "sort_key"], name="member_cell_sort_idx"),
            # The list's order, and what a search filters on: a search's page is found in
            # this index alone (its ids), without reading the rows of the members it skips
            # (selectors.page_rows).
            models.Index(
                fields=["sort_key", "id", "status", "cell", "search_text"],
                name="member_sort_search_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(citizen_id__isnull=False),
                name="member_unique_citizen_id",
            ),
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=Q(party_card_number__isnull=False),
                name="member_unique_party_card",
            ),
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(official_date__gte=models.F("admission_date")),
                name="member_official_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(admission_date__gt=models.F("birth_date")),
                name="member_admitted_after_birth",
            ),
        ]

    def __str__(self):
        return self.full_name

    def refresh_derived(self):
        """Recompute name parts, search text and sort key from the stored values."""
        self.full_name = " ".join(self.full_name.split())
        self.family_name, self.middle_name, self.given_name = vn.split_full_name(self.full_name)
        self.search_text = " ".join(
            x
            for x in (
                vn.fold(self.full_name),
                vn.fold(self.other_names),
                (self.party_card_number or "").lower(),
            )
            if x
        )[:300]
        self.sort_key = vn.name_sort_key(self.given_name, self.middle_name, self.family_name)
        self.citizen_id = self.citizen_id or None
        self.party_card_number = self.party_card_number or None

    def is_official(self, on: datetime.date) -> bool:
        return self.official_date is not None and self.official_date <= on

    def age(self, on: datetime.date) -> int:
        return age_on(self.birth_date, on)

    @property
    def citizen_id_masked(self) -> str:
        if not self.citizen_id:
            return ""
        return "•" * (len(self.citizen_id) - 3) + self.citizen_id[-3:]


class CellMemberCount(models.Model):
    """How many members a cell has now (active or exempt, `Member.objects.in_cell()`), kept by
    every service that admits, moves or ends a member, in its own transaction
    (chibo.members.counts), so that the tree and the lists add up 104.000 counters instead of
    counting 5,6 million members. A cell without a row has none. `manage.py member_counts`
    recounts and compares (`--fix` rewrites)."""

    cell = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    members = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số đảng viên của chi bộ")
        verbose_name_plural = _("số đảng viên của chi bộ")

    def __str__(self):
        return f"{self.cell_id}: {self.members}"


class Membership(models.Model):
    """A member's time in one cell: a transfer closes one and opens the next."""

    class Reason(models.TextChoices):
        ADMITTED = "admitted", _("Kết nạp")
        TRANSFER_IN = "transfer_in", _("Chuyển đến")
        TRANSFER = "transfer", _("Chuyển sinh hoạt nội bộ")
        MERGE = "merge", _("Sáp nhập chi bộ")
        IMPORTED = "imported", _("Nhập dữ liệu")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.ADMITTED)
    note = models.CharField(max_length=200, blank=True)
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=50, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt")
        ordering = ["member_id", "start"]
        indexes = [models.Index(fields=["cell", "start"], name="membership_cell_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="membership_valid_interval",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="membership_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.member} @ {self.cell} {day_text(self.start)}–"


class StatusChange(models.Model):
    """A dated change of a member's status (exemption, transfer out, death, removal).

    Never edited nor deleted: a change is undone by a later one (members/movements)."""

    class Kind(models.TextChoices):
        EXEMPTION = "exemption", _("Miễn sinh hoạt")
        RETURN = "return", _("Trở lại sinh hoạt")
        TRANSFER_OUT = "transfer_out", _("Chuyển sinh hoạt đi")
        TRANSFER_IN = "transfer_in", _("Chuyển sinh hoạt đến")
        DEATH = "death", _("Từ trần")
        REMOVAL = "removal", _("Xóa tên")
        EXPULSION = "expulsion", _("Khai trừ")
        REINSTATEMENT = "reinstatement", _("Khôi phục (hủy quyết định)")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=20, choices=Status.choices)
    previous = models.CharField(max_length=20, choices=Status.choices)
    on = models.DateField(_("ngày"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # What happened, when more precise than the status (removed: xóa tên or khai trừ); blank
    # for the changes recorded before the kinds existed and for the generic status form.
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    decided_by = models.CharField(_("cấp quyết định"), max_length=200, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=50, blank=True)
    place = models.CharField(_("nơi chuyển đi / đến"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi trạng thái đảng viên")
        verbose_name_plural = _("thay đổi trạng thái đảng viên")
        ordering = ["member_id", "on", "id"]
        indexes = [models.Index(fields=["on", "status"], name="statuschange_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gt=models.F("on")),
                name="statuschange_until_after_on",
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.previous} → {self.status} ({day_text(self.on)})"


# --- temporary activity elsewhere (members/movements) -----------------------------------------


class TemporaryStay(models.Model):
    """A member's temporary activity in another cell, inside chibo's tree or outside it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="temporary_stays")
    host_cell = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="temporary_members",
        verbose_name=_("chi bộ nơi sinh hoạt tạm thời"),
    )
    host_name = models.CharField(_("nơi sinh hoạt tạm thời"), max_length=200, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    letter_number = models.CharField(_("số giấy giới thiệu"), max_length=50, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("sinh hoạt tạm thời")
        verbose_name_plural = _("sinh hoạt tạm thời")
        ordering = ["member_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="temporarystay_valid_interval",
            ),
            models.CheckConstraint(
                condition=Q(host_cell__isnull=False) | ~Q(host_name=""),
                name="temporarystay_has_host",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="temporarystay_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.host}"

    @property
    def host(self) -> str:
        return self.host_cell.name if self.host_cell_id else self.host_name


# --- party-age badges (members/badges) -------------------------------------------------------


def _month_day(pair) -> bool:
    """Whether `pair` is a [month, day] of some year (29 February included)."""
    if not (isinstance(pair, list) and len(pair) == 2 and all(type(x) is int for x in pair)):
        return False
    try:
        datetime.date(2024, *pair)
    except ValueError:
        return False
    return True


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
        verbose_name = _("quy định huy hiệu Đảng")
        verbose_name_plural = _("quy định huy hiệu Đảng")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.source} ({day_text(self.effective_from)})"

    def clean(self):
        """The lists as the badge pages read them (the back office's JSON fields take anything:
        ["x"] or NaN was saved, and every badge page after it was a 500)."""
        errors = {}
        years = self.years
        if not (
            isinstance(years, list)
            and years
            and all(type(y) is int and 1 <= y <= 100 for y in years)
            and years == sorted(set(years))
        ):
            errors["years"] = _(
                "Ghi các mốc tuổi Đảng tăng dần, mỗi mốc từ 1 đến 100: [30, 40, 45]."
            )
        days = self.award_days
        if not (isinstance(days, list) and days and all(map(_month_day, days))):
            errors["award_days"] = _(
                "Ghi các đợt trao tặng là các cặp [tháng, ngày] có thật: [[2, 3], [5, 19]]."
            )
        if errors:
            raise ValidationError(errors)


class BadgeAward(models.Model):
    """A badge awarded to a member: one per member and party age, never deleted."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="badge_awards")
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
        verbose_name = _("huy hiệu Đảng đã trao")
        verbose_name_plural = _("huy hiệu Đảng đã trao")
        ordering = ["member_id", "years"]
        constraints = [
            models.UniqueConstraint(fields=["member", "years"], name="badgeaward_once"),
        ]

    def __str__(self):
        return f"{self.member}: {self.years} ({day_text(self.awarded_on)})"


class PartyInterruption(models.Model):
    """A time the member was out of the Party (between a removal and a readmission): it does
    not count toward party age."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="interruptions")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("thời gian gián đoạn sinh hoạt Đảng")
        verbose_name_plural = _("thời gian gián đoạn sinh hoạt Đảng")
        ordering = ["member_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="interruption_valid_interval"
            ),
        ]

    def __str__(self):
        return f"{self.member}: {day_text(self.start)}–{day_text(self.end)}"
