"""Cell and commune committees: terms, positions, concurrent roles, commune leadership,
qualification standards and succession planning. Rules are versioned records."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The interval rule lives in chibo.core.dated; in_force_q is re-exported for its readers here.
from chibo.core.dated import DatedQuerySet
from chibo.core.dated import in_force_q as in_force_q
from chibo.core.models import TimeStamped
from chibo.core.vn import day_text
from chibo.members.models import Member, TheoryLevel
from chibo.organizations.models import Organization, Village


class CommitteeRule(models.Model):
    """Cell size and committee rule, as in force from a date (e.g. QĐ 294-QĐ/TW, 2025)."""

    effective_from = models.DateField(_("hiệu lực từ"), unique=True)
    source = models.CharField(_("văn bản"), max_length=200)
    min_official_members = models.PositiveSmallIntegerField(_("đảng viên chính thức tối thiểu"))
    committee_threshold = models.PositiveSmallIntegerField(
        _("số đảng viên chính thức để bầu chi ủy")
    )
    max_committee_size = models.PositiveSmallIntegerField(_("số chi ủy viên tối đa"))
    max_deputies = models.PositiveSmallIntegerField(_("số phó bí thư tối đa"))
    min_committee_size = models.PositiveSmallIntegerField(
        _("số người tối thiểu để coi là có chi ủy"), default=3
    )

    class Meta:
        verbose_name = _("quy định về cấp ủy")
        verbose_name_plural = _("quy định về cấp ủy")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.source} ({day_text(self.effective_from)})"

    @classmethod
    def in_force(cls, on: datetime.date) -> "CommitteeRule":
        rule = cls.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
        if rule is None:
            raise cls.DoesNotExist(f"No committee rule in force on {on}")
        return rule


class Term(TimeStamped):
    """A committee term (nhiệm kỳ) of one organization, e.g. 2023–2025."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField(_("nhiệm kỳ"), max_length=20)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    congress_date = models.DateField(_("ngày đại hội"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm kỳ")
        verbose_name_plural = _("nhiệm kỳ")
        ordering = ["organization_id", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="term_interval"),
            models.UniqueConstraint(fields=["organization", "start"], name="term_unique_start"),
        ]

    def __str__(self):
        return f"{self.organization} {self.name}"


class Title(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư")
    DEPUTY_SECRETARY = "deputy_secretary", _("Phó Bí thư")
    STANDING_MEMBER = "standing_member", _("Ủy viên Ban Thường vụ")
    COMMITTEE_MEMBER = "committee_member", _("Cấp ủy viên")


class Position(TimeStamped):
    """A member's seat on an organization's committee from one date to another."""

    class Obtained(models.TextChoices):
        ELECTED = "elected", _("Bầu tại đại hội / hội nghị")
        APPOINTED = "appointed", _("Cấp trên chỉ định")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions"
    )
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("chức danh"), max_length=20, choices=Title.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    obtained = models.CharField(
        _("hình thức"), max_length=10, choices=Obtained.choices, default=Obtained.ELECTED
    )
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chức danh cấp ủy")
        verbose_name_plural = _("chức danh cấp ủy")
        ordering = ["organization_id", "title", "start"]
        indexes = [models.Index(fields=["organization", "start"], name="position_org_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="position_interval",
            )
        ]

    def __str__(self):
        return f"{self.get_title_display()} {self.organization}: {self.member}"


class ConcurrentRole(TimeStamped):
    """A village post (village head, Front committee head, police...) held from one date to
    another, by a member or by a person who is not a member."""

    class Kind(models.TextChoices):
        VILLAGE_HEAD = "village_head", _("Trưởng thôn, bản, tiểu khu")
        DEPUTY_VILLAGE_HEAD = "deputy_village_head", _("Phó trưởng thôn, bản")
        FRONT_HEAD = "front_head", _("Trưởng ban công tác Mặt trận")
        VILLAGE_POLICE = "village_police", _("Công an viên")
        WOMEN_HEAD = "women_head", _("Chi hội trưởng Phụ nữ")
        FARMERS_HEAD = "farmers_head", _("Chi hội trưởng Nông dân")
        VETERANS_HEAD = "veterans_head", _("Chi hội trưởng Cựu chiến binh")
        YOUTH_HEAD = "youth_head", _("Bí thư Chi đoàn")

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="concurrent_roles")
    kind = models.CharField(_("chức danh"), max_length=30, choices=Kind.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="concurrent_roles"
    )
    person_name = models.CharField(_("họ tên (nếu không là đảng viên)"), max_length=120, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chức danh kiêm nhiệm")
        verbose_name_plural = _("chức danh kiêm nhiệm")
        ordering = ["village_id", "kind", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="concurrent_interval",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(person_name=""),
                name="concurrent_has_holder",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.village}: {self.holder_name}"

    @property
    def holder_name(self):
        return self.member.full_name if self.member_id else self.person_name


class RoleModel(TimeStamped):
    """A pairing of cell positions with village posts that a commune adopts (e.g. Nà Bó:
    secretary = village head; deputy secretary = Front committee head)."""

    name = models.CharField(_("tên mô hình"), max_length=200)
    commune = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="role_models")
    effective_from = models.DateField(_("áp dụng từ"))
    effective_to = models.DateField(_("đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("gương điển hình")
        verbose_name_plural = _("gương điển hình")

    def __str__(self):
        return self.name


class RoleModelRule(models.Model):
    """One pairing of a role model: the holder of `title` should also hold `kind`."""

    role_model = models.ForeignKey(RoleModel, on_delete=models.PROTECT, related_name="rules")
    title = models.CharField(max_length=20, choices=Title.choices, blank=True)
    kind = models.CharField(max_length=30, choices=ConcurrentRole.Kind.choices)
    paired_kind = models.CharField(
        max_length=30,
        choices=ConcurrentRole.Kind.choices,
        blank=True,
        help_text=_("hoặc: người giữ chức danh thôn này kiêm chức danh thôn kia"),
    )

    class Meta:
        verbose_name = _("quy định về gương điển hình")
        verbose_name_plural = _("quy định về gương điển hình")

    def __str__(self):
        return f"{self.title or self.paired_kind} = {self.kind}"


class CommuneLeader(TimeStamped):
    """A commune's Party secretary or People's Committee chairman, local or not."""

    class Post(models.TextChoices):
        PARTY_SECRETARY = "party_secretary", _("Bí thư Đảng ủy")
        PC_CHAIRMAN = "pc_chairman", _("Chủ tịch UBND")

    commune = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commune_leaders"
    )
    post = models.CharField(_("chức danh"), max_length=20, choices=Post.choices)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_local = models.BooleanField(_("người địa phương"))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lãnh đạo xã")
        verbose_name_plural = _("lãnh đạo xã")
        ordering = ["commune_id", "post", "start"]

    def __str__(self):
        return f"{self.get_post_display()} {self.commune}: {self.full_name}"


class LeadershipTarget(TimeStamped):
    """A term target for non-local commune leaders under an organization (e.g. 22 for 2020–2025)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="leadership_targets"
    )
    term_name = models.CharField(_("nhiệm kỳ"), max_length=20)
    start = models.DateField()
    end = models.DateField()
    nonlocal_target = models.PositiveSmallIntegerField(_("chỉ tiêu không phải người địa phương"))

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu cán bộ lãnh đạo")
        verbose_name_plural = _("chỉ tiêu cán bộ lãnh đạo")

    def __str__(self):
        return f"{self.organization} {self.term_name}: {self.nonlocal_target}"


class QualificationStandard(models.Model):
    """A versioned qualification standard, e.g. for commune officials, or the minimum theory
    level for village cell committee members."""

    class AppliesTo(models.TextChoices):
        COMMUNE_OFFICIAL = "commune_official", _("Cán bộ, công chức xã")
        CELL_COMMITTEE = "cell_committee", _("Cấp ủy viên chi bộ thôn, bản")

    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices)
    name = models.CharField(_("tên chuẩn"), max_length=200)
    effective_from = models.DateField(_("hiệu lực từ"))
    min_theory_level = models.CharField(
        _("lý luận tối thiểu"), max_length=20, choices=TheoryLevel.choices, blank=True
    )
    min_education = models.CharField(_("học vấn tối thiểu"), max_length=20, blank=True)
    text = models.TextField(_("nội dung"), blank=True)

    class Meta:
        verbose_name = _("tiêu chuẩn trình độ")
        verbose_name_plural = _("tiêu chuẩn trình độ")
        ordering = ["applies_to", "-effective_from"]

    def __str__(self):
        return self.name


class CommuneOfficial(TimeStamped):
    """A commune cadre or civil servant assessed against the qualification standard."""

    commune = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commune_officials"
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("chức vụ"), max_length=120)
    meets_standard = models.BooleanField(_("đạt chuẩn"))
    reason = models.CharField(_("lý do chưa đạt"), max_length=300, blank=True)
    assessed_on = models.DateField(_("ngày đánh giá"))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cán bộ xã")
        verbose_name_plural = _("cán bộ xã")
        ordering = ["commune_id", "full_name"]

    def __str__(self):
        return f"{self.full_name} ({self.post})"


class SuccessionPlan(TimeStamped):
    """A member planned (quy hoạch) as a successor for a title in an organization, per term."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="succession_plans"
    )
    term_name = models.CharField(_("nhiệm kỳ quy hoạch"), max_length=20)
    title = models.CharField(_("chức danh"), max_length=20, choices=Title.choices)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="succession_plans")
    approved_on = models.DateField(_("ngày phê duyệt"))
    removed_on = models.DateField(_("đưa ra khỏi quy hoạch"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("quy hoạch cấp ủy")
        verbose_name_plural = _("quy hoạch cấp ủy")
        ordering = ["organization_id", "title", "approved_on"]

    def __str__(self):
        return f"{self.member} → {self.get_title_display()} {self.organization} ({self.term_name})"
