"""The organization tree with validity intervals, and the communes and villages cells serve."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chibo.core.dated import DatedQuerySet, ValidFromToQuerySet
from chibo.core.models import BinaryCollationCharField, TimeStamped
from chibo.core.vn import day_text

PATH_STEP = 9  # eight digits and a slash per level
PATH_END = "~"  # sorts after every digit and '/'


def path_segment(pk: int) -> str:
    return f"{pk:08d}/"


def subtree_q(path: str, field: str = "path") -> Q:
    """Everything whose path starts with `path`, as a range so one B-tree index serves it."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


def subtrees_q(paths, field: str = "path") -> Q:
    """Everything under any of `paths` (subtree_q's ranges, OR-ed); nothing when there is none."""
    q = Q()
    for path in paths:
        q |= subtree_q(path, field)
    return q if q else Q(pk__in=[])


class OrganizationQuerySet(models.QuerySet):
    def under(self, org, include_self=True):
        qs = self.filter(subtree_q(org.path))
        return qs if include_self else qs.exclude(pk=org.pk)

    def active(self, on: datetime.date | None = None):
        if on is None:
            return self.filter(valid_to__isnull=True)
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)

    def cells(self):
        return self.filter(kind=Organization.Kind.CELL)

    def village_cells(self):
        return self.filter(kind=Organization.Kind.CELL, cell_type=Organization.CellType.RESIDENTIAL)

    def grassroots(self):
        return self.filter(kind=Organization.Kind.GRASSROOTS)

    def grassroots_level(self):
        """Grassroots organizations and grassroots cells (chi bộ cơ sở: cells whose parent is
        an upper committee), as they sit in the tree now."""
        return self.filter(grassroots_level_q())


def grassroots_level_q(prefix: str = "", parent: str = "parent") -> Q:
    """A grassroots organization, or a cell whose parent is an upper committee (a grassroots
    cell). `prefix` reaches the organization from another model (`"organization__"` from an
    OrganizationPeriod, whose own `parent` is the parent on the period's dates)."""
    return Q(**{f"{prefix}kind": "grassroots"}) | Q(
        **{f"{prefix}kind": "cell", f"{parent}__kind__in": UPPER_KINDS}
    )


class Organization(TimeStamped):
    """A Party organization: province/district committee, grassroots organization or cell."""

    class Kind(models.TextChoices):
        PROVINCE_COMMITTEE = "province_committee", _("Đảng bộ tỉnh")
        DISTRICT_COMMITTEE = "district_committee", _("Đảng bộ huyện")
        GRASSROOTS = "grassroots", _("Tổ chức cơ sở đảng")
        CELL = "cell", _("Chi bộ")

    class CellType(models.TextChoices):
        RESIDENTIAL = "residential", _("Chi bộ thôn, bản, tiểu khu")
        AGENCY = "agency", _("Chi bộ cơ quan, đơn vị")

    class GrassrootsType(models.TextChoices):
        COMMUNE = "commune", _("Đảng bộ xã, thị trấn")
        AGENCY = "agency", _("Cơ quan")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        SCHOOL = "school", _("Trường học")
        ARMED = "armed", _("Lực lượng vũ trang")

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    grassroots_type = models.CharField(
        _("loại cơ sở"), max_length=20, choices=GrassrootsType.choices, blank=True
    )
    cell_type = models.CharField(
        _("loại chi bộ"), max_length=20, choices=CellType.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tổ chức cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Binary collation: the subtree range query (path >= p AND path < p + "~") must compare
    # bytes, not locale rules that ignore punctuation.
    path = BinaryCollationCharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="org_valid_interval",
            ),
            models.CheckConstraint(
                condition=~Q(kind="cell") | ~Q(cell_type=""), name="org_cell_has_type"
            ),
        ]
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")

    def __str__(self):
        return self.name

    @property
    def is_cell(self):
        return self.kind == self.Kind.CELL

    @property
    def is_commune(self):
        return self.grassroots_type == self.GrassrootsType.COMMUNE

    @property
    def is_upper_committee(self):
        return self.kind in UPPER_KINDS

    @property
    def is_grassroots_cell(self):
        """A cell directly under a province or district committee (chi bộ cơ sở of a school,
        a health centre...): a grassroots organization that is also a cell. Reads the parent."""
        return self.is_cell and self.parent_id is not None and self.parent.is_upper_committee

    @property
    def kind_label(self):
        """The kind as the pages name it: "Chi bộ cơ sở" for a grassroots cell."""
        if self.is_grassroots_cell:
            return GRASSROOTS_CELL_LABEL
        return self.get_kind_display()

    @property
    def is_active(self):
        return self.valid_to is None

    def ancestor_paths(self) -> list[str]:
        return [self.path[: i + PATH_STEP] for i in range(0, len(self.path), PATH_STEP)]


# Upper committees (the levels above the grassroots), by kind code.
UPPER_KINDS = (
    Organization.Kind.PROVINCE_COMMITTEE.value,
    Organization.Kind.DISTRICT_COMMITTEE.value,
)
GRASSROOTS_CELL_LABEL = _("Chi bộ cơ sở")


class OrganizationPeriod(models.Model):
    """An organization's name and place in the tree over a date interval, for 'as of' questions."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="periods")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = BinaryCollationCharField(max_length=255)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = ValidFromToQuerySet.as_manager()

    class Meta:
        verbose_name = _("giai đoạn của tổ chức")
        verbose_name_plural = _("giai đoạn của tổ chức")
        ordering = ["organization_id", "valid_from"]
        indexes = [models.Index(fields=["path", "valid_from"], name="orgperiod_path_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="orgperiod_valid_interval",
            )
        ]

    def __str__(self):
        return f"{self.name} ({day_text(self.valid_from)}–)"


class OrganizationEvent(models.Model):
    """A dated change in the tree: founding, rename, merge, split, re-parenting, dissolution."""

    class Kind(models.TextChoices):
        FOUNDED = "founded", _("Thành lập")
        RENAMED = "renamed", _("Đổi tên")
        MERGED = "merged", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        REPARENTED = "reparented", _("Chuyển trực thuộc")
        DISSOLVED = "dissolved", _("Giải thể")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField(_("ngày"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="events")
    related = models.ManyToManyField(Organization, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện của tổ chức")
        verbose_name_plural = _("sự kiện của tổ chức")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organization} {day_text(self.on)}"


class Commune(TimeStamped):
    """A commune-level administrative unit (xã / thị trấn / phường).

    `party_committee` repeats the committee of the open CommuneCommitteeLink (None without one)
    for the pages about now; only the services write it. Which committee led the commune on a
    date is read from CommuneCommitteeLink.
    """

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Xã")
        TOWN = "town", _("Thị trấn")
        WARD = "ward", _("Phường")

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMUNE)
    party_committee = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communes",
        limit_choices_to={"kind": Organization.Kind.GRASSROOTS},
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("xã, phường")
        verbose_name_plural = _("xã, phường")
        ordering = ["name"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


class Village(TimeStamped):
    """A village, hamlet or sub-district (thôn / bản / tiểu khu), served by one residential cell.

    `commune` repeats the commune of the open VillageCommuneLink (the last one once the village
    closed) for the pages about now; only the services write it. Which commune the village lay
    in on a date is read from VillageCommuneLink.
    """

    class Kind(models.TextChoices):
        THON = "thon", _("Thôn")
        BAN = "ban", _("Bản")
        TIEU_KHU = "tieu_khu", _("Tiểu khu")
        TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BAN)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="villages")
    cell = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"kind": Organization.Kind.CELL},
    )
    especially_disadvantaged = models.BooleanField(_("bản đặc biệt khó khăn"), default=False)
    households = models.PositiveIntegerField(_("số hộ"), null=True, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("thôn, bản")
        verbose_name_plural = _("thôn, bản")
        ordering = ["commune__name", "name"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


class VillageCellLinkQuerySet(DatedQuerySet):
    def open(self):
        return self.filter(end__isnull=True)


def link_constraints(prefix: str, subject: str) -> list:
    """A dated link's interval, and one open row per `subject` at most."""
    return [
        models.CheckConstraint(
            condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name=f"{prefix}_interval"
        ),
        models.UniqueConstraint(
            fields=[subject], condition=Q(end__isnull=True), name=f"{prefix}_one_open"
        ),
    ]


class DatedLink(TimeStamped):
    """What `SUBJECT` was tied to (`TARGET`) over [start, end): one a day at most. The subject's
    own field repeats the open link's target for the pages about now; figures as of a date read
    the link in force on that date, so a change never rewrites the past."""

    SUBJECT = TARGET = ""  # the two foreign keys' names

    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = VillageCellLinkQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        subject, target = (getattr(self, f"{name}_id") for name in (self.SUBJECT, self.TARGET))
        end = day_text(self.end) if self.end else ""
        return f"{subject} → {target} ({day_text(self.start)}–{end})"


class VillageCellLink(DatedLink):
    """The residential cell that serves a village (Village.cell: the open link's)."""

    SUBJECT, TARGET = "village", "cell"
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="cell_links")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="village_links")

    class Meta:
        ordering = ["village_id", "start"]  # by id: "village" would join to order by name
        indexes = [models.Index(fields=["cell", "start"], name="villagelink_cell_idx")]
        constraints = link_constraints("villagelink", "village")
        verbose_name = _("chi bộ phụ trách thôn, bản")
        verbose_name_plural = _("chi bộ phụ trách thôn, bản")


class VillageCommuneLink(DatedLink):
    """The administrative commune a village lies in (Village.commune: the open link's, the last
    one's once the village closed), so a communes' merger never rewrites the past
    (docs/decisions/0019-demo-reorganization.md)."""

    SUBJECT, TARGET = "village", "commune"
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="commune_links")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="village_links")

    class Meta:
        ordering = ["village_id", "start"]
        indexes = [models.Index(fields=["commune", "start"], name="villagecommune_commune_idx")]
        constraints = link_constraints("villagecommune", "village")
        verbose_name = _("xã của thôn, bản")
        verbose_name_plural = _("xã của thôn, bản")


class CommuneCommitteeLink(DatedLink):
    """The commune Party committee (Đảng bộ xã) that leads an administrative commune
    (Commune.party_committee: the open link's), so a reorganization that hands the commune to a
    new committee never rewrites the past (docs/decisions/0019-demo-reorganization.md)."""

    SUBJECT, TARGET = "commune", "committee"
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="committee_links")
    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commune_links"
    )

    class Meta:
        ordering = ["commune_id", "start"]
        indexes = [models.Index(fields=["committee", "start"], name="communelink_committee_idx")]
        constraints = link_constraints("communelink", "commune")
        verbose_name = _("đảng bộ xã lãnh đạo xã")
        verbose_name_plural = _("đảng bộ xã lãnh đạo xã")
