"""Reads of the villages' posts (concurrent roles), as of a date: the villages under an
organization with their posts, their cell's positions and the check against the role model
their commune applies; the summary per commune; village cells' secretaries and village heads.
Each in a fixed number of queries whatever the number of villages."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from chibo.core.web import covers_or_404, get_or_404
from chibo.organizations.models import Commune, Organization, Village
from chibo.organizations.selectors import link_on, periods_under, village_led_on

from .. import rules
from ..models import ConcurrentRole, RoleModel, Title, in_force_q
from ..selectors import (
    ORG_FIELDS,
    SEAT_VALUES,
    GroupSummary,
    OrgRef,
    Seat,
    cell_refs,
    cells_under,
    positions_on,
    seat_from_row,
    seats_on,
    sort_key,
)


@dataclass(frozen=True, slots=True)
class CommuneRef:
    """A commune as the village lists read it, from plain values (a district has hundreds of
    villages): reads like a Commune in lists and templates (pk, name, party_committee, str).
    Its party_committee is the one that led it on the day read (villages_under)."""

    pk: int
    name: str
    kind: str
    party_committee_id: int | None
    party_committee: OrgRef | None

    def get_kind_display(self):
        return _COMMUNE_KINDS.get(self.kind, self.kind)

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


@dataclass(frozen=True, slots=True)
class VillageRef:
    """A village as the village lists read it, from plain values: model instances with their
    commune, its committee and the cell cost a district's page ~20 ms. Reads like a Village."""

    pk: int
    code: str
    name: str
    kind: str
    commune_id: int
    cell_id: int | None
    commune: CommuneRef
    cell: OrgRef | None

    def get_kind_display(self):
        return _VILLAGE_KINDS.get(self.kind, self.kind)

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


_COMMUNE_KINDS = dict(Commune.Kind.choices)


_VILLAGE_KINDS = dict(Village.Kind.choices)


# What the village lists read of a village, its commune and their organizations, in the order
# of VillageRef's, CommuneRef's and OrgRef's fields.
_VILLAGE_VALUES = (
    "pk",
    "code",
    "name",
    "kind",
    "placed__commune_id",  # the commune the village lay in on the day asked (villages_under)
    "served__cell_id",  # the cell that served the village on that day
    "placed__commune__name",
    "placed__commune__kind",
    "led__committee_id",  # the committee that led that commune on that day
    *(f"led__committee__{f}" for f in ORG_FIELDS),
    *(f"served__cell__{f}" for f in ORG_FIELDS),
    # the commune now, for a village the data leaves without a commune on that day
    "commune_id",
    "commune__name",
    "commune__kind",
)


def _village_refs(villages) -> list[VillageRef]:
    """VillageRefs of the Village queryset `villages` (from villages_under: `served` is the
    link in force on its day, `placed` the link to the commune it lay in then and `led` that
    commune's link to its committee then), in its order: each with the commune and the cell of
    that day. One query."""
    communes = {}
    refs = []
    for row in villages.values_list(*_VILLAGE_VALUES):
        if row[4] is None:  # no commune link that day (a gap in imported links): the one now
            row = (*row[:4], row[19], row[5], row[20], row[21], *row[8:19])
        commune = communes.get(row[4])
        if commune is None:
            committee = OrgRef(row[8], *row[9:14]) if row[8] is not None else None
            commune = communes[row[4]] = CommuneRef(row[4], row[6], row[7], row[8], committee)
        cell = OrgRef(row[5], *row[14:19]) if row[5] is not None else None
        refs.append(VillageRef(*row[:6], commune, cell))
    return refs


@dataclass(frozen=True, slots=True)
class VillagePost:
    """A village post in force, read as plain values (a district holds over a thousand). Reads
    like a ConcurrentRole in rules, lists and templates."""

    pk: int
    village_id: int
    kind: str
    member_id: int | None
    person_name: str
    start: datetime.date
    end: datetime.date | None
    holder_name: str

    def get_kind_display(self):
        return ConcurrentRole.Kind(self.kind).label


_POST_VALUES = ("pk", "village_id", "kind", "member_id", "person_name", "start", "end")


@dataclass(slots=True)
class VillageRoles:
    village: VillageRef
    roles: list
    positions_by_title: dict
    role_model: RoleModel | None = None
    checks: list = field(default_factory=list)

    @property
    def compliant(self) -> bool | None:
        if self.role_model is None:
            return None
        return all(c.ok for c in self.checks)


def villages_by_commune(rows: list[VillageRoles]) -> list[GroupSummary]:
    """One row per commune: villages, villages that follow the role model, those that do not."""
    groups = {}
    for row in rows:
        committee = row.village.commune.party_committee
        key = row.village.commune_id
        g = groups.get(key)
        if g is None:
            g = groups[key] = GroupSummary(committee, row.village.commune.name)
        g.total += 1
        g.ok += bool(row.compliant)
        g.flagged += row.compliant is False
    return sorted(groups.values(), key=lambda g: sort_key(g.name))


def villages_under(org: Organization, on: datetime.date):
    """Villages valid on `on` served then by a cell under `org`, or lying then in a commune led
    then by a committee under it. `served` is the village's link in force on `on`
    (`served__cell_id` its cell), `placed` its link to its commune then (`placed__commune_id`),
    `led` that commune's link to its committee then (`led__committee_id`); `cell`, `commune`
    and `commune.party_committee` stay those of now."""
    org_ids = periods_under(org, on).values("organization_id")
    return (
        villages_on(on)
        .filter(Q(served__cell_id__in=org_ids) | Q(led__committee_id__in=org_ids))
        .select_related("commune", "commune__party_committee", "cell")
    )


def villages_on(on: datetime.date):
    """Villages valid on `on`, annotated as villages_under's (`served`, `placed`, `led`): those
    of every organization, for a read of many at once (an indicator batch)."""
    return (
        Village.objects.annotate(served=link_on(on), **village_led_on(on))
        .filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    )


def role_models_on(commune_ids, on: datetime.date) -> dict[int, RoleModel]:
    """commune org id -> the role model it applies on `on` (the latest adopted). Two queries."""
    models_ = (
        RoleModel.objects.filter(commune_id__in=commune_ids, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .prefetch_related("rules")
        .order_by("effective_from", "id")
    )
    return {m.commune_id: m for m in models_}


def village_roles(org: Organization, on: datetime.date, *, all_posts=True) -> list[VillageRoles]:
    """The villages under `org` with their posts in force, their cell's positions and the role
    model check. Up to six queries whatever the number of villages: the villages, the role
    models and their rules, the posts, the cells' positions of the titles the models pair (not
    read when no model applies).

    all_posts=False is for a summary that shows no post: only the villages under a role model
    get their posts (their checks read them); the others' `roles` stay empty.
    """
    villages = _village_refs(villages_under(org, on))
    if not villages:
        return []
    models_ = role_models_on({v.commune.party_committee_id for v in villages}, on)
    checked = [v for v in villages if v.commune.party_committee_id in models_]
    roles = defaultdict(list)
    posted = villages if all_posts else checked
    for *values, member_name in (
        ConcurrentRole.objects.filter(in_force_q(on), village_id__in=[v.pk for v in posted])
        .order_by("kind", "start")
        .values_list(*_POST_VALUES, "member__full_name")
    ):
        post = VillagePost(*values, member_name if values[3] else values[4])
        roles[post.village_id].append(post)
    # The checks read a cell's positions by title, and only the titles their rules pair.
    titles = {r.title for m in models_.values() for r in m.rules.all() if r.title}
    cell_ids = {v.cell_id for v in checked if v.cell_id}
    positions = defaultdict(lambda: defaultdict(list))
    if titles and cell_ids:
        for p in seats_on(on, cell_ids, titles):
            positions[p.organization_id][p.title].append(p)
    rows = []
    for v in sorted(villages, key=lambda v: (sort_key(v.commune.name), sort_key(v.name))):
        by_kind = defaultdict(list)
        for r in roles[v.pk]:
            by_kind[r.kind].append(r)
        by_title = positions[v.cell_id] if v.cell_id else {}
        model = models_.get(v.commune.party_committee_id)
        row = VillageRoles(v, roles[v.pk], dict(by_title), model)
        if model is not None:
            row.checks = [
                rules.check_role_rule(rule, by_title, by_kind) for rule in model.rules.all()
            ]
        rows.append(row)
    return rows


# --- secretaries and village heads -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VillageHead:
    """A village head in force, as the secretary list reads it."""

    village_name: str
    member_id: int | None
    holder_name: str


@dataclass(slots=True)
class SecretaryHead:
    """A village cell on a date, its secretary then and the heads of the villages it serves."""

    cell: OrgRef
    name: str
    parent: OrgRef | None
    secretary: Seat | None
    heads: list  # VillageHead

    @property
    def is_head(self) -> bool:
        sec = self.secretary
        return sec is not None and any(h.member_id == sec.member_id for h in self.heads)


def secretaries_and_heads(org: Organization, on: datetime.date) -> list[SecretaryHead]:
    """Every village cell under `org` with its secretary and the heads of the villages it
    serves. Four queries: the path, the cells, the secretaries, the heads."""
    cells = cells_under(org, on, residential=True)
    refs = cell_refs(cells)
    if not refs:
        return []
    secretaries = {}
    for row in (
        positions_on(on)
        .filter(organization_id__in=cells.values("organization_id"), title=Title.SECRETARY)
        .order_by("-start", "-id")  # the earliest last: it stays, as in sort_positions
        .values_list(*SEAT_VALUES)
    ):
        secretaries[row[1]] = seat_from_row(row)
    heads = defaultdict(list)
    rows = (
        ConcurrentRole.objects.filter(
            in_force_q(on),
            # the cell that served the village on `on` (one filter call: one join)
            in_force_q(on, "village__cell_links__start", "village__cell_links__end"),
            kind=ConcurrentRole.Kind.VILLAGE_HEAD,
            village__cell_links__cell_id__in=[cell.pk for cell, _n, _p in refs],
        )
        .order_by("village__name", "start")
        .values_list(
            "village__cell_links__cell_id",
            "village__name",
            "member_id",
            "member__full_name",
            "person_name",
        )
    )
    for cell_id, village, member_id, member_name, person in rows:
        heads[cell_id].append(VillageHead(village, member_id, member_name if member_id else person))
    return [
        SecretaryHead(cell, name, parent, secretaries.get(cell.pk), heads.get(cell.pk, []))
        for cell, name, parent in refs
    ]


# --- scoped lookups ---------------------------------------------------------------------------


def village_or_404(scope, pk) -> Village:
    """A village whose serving cell, or else whose commune's committee, the user may write to."""
    village = get_or_404(Village.objects.select_related("cell", "commune__party_committee"), pk=pk)
    covers_or_404(scope, village.cell or village.commune.party_committee, write=True)
    return village


def post_or_404(scope, pk) -> tuple[ConcurrentRole, Village]:
    """A village post and its village, which the user may write to (village_or_404)."""
    role = get_or_404(ConcurrentRole.objects.select_related("member"), pk=pk)
    return role, village_or_404(scope, role.village_id)
