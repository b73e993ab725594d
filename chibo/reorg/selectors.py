"""Reads of reorganization plans: the preview of what a plan moves and what stops it.

`preview(plan)` is the one reading of a plan: the pages show it, and `services.reorg_apply`
runs it again in its transaction and writes exactly its moves (or nothing, if it finds a
conflict). A move is one dated row that ends at a source on the plan's date and, unless it is a
seat nobody keeps, opens at a target: a member's cell, a village's serving cell, a user's role, a
committee seat, a commune leader or official, an official following a cell, a child organization
(re-parented with its subtree), the administrative commune a commune committee leads. A
candidate on the way in (admissions) is no dated row: their one cell changes, from the date.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.accounts.models import RoleAssignment
from chibo.admissions.selectors import in_progress_in
from chibo.committees.models import CommuneLeader, CommuneOfficial, Position, Title
from chibo.core import vn
from chibo.core.dates import today as today_
from chibo.core.vn import day_text
from chibo.meetings.models import CellMeeting, FollowAssignment
from chibo.members.models import IN_CELL_STATUSES, Membership
from chibo.organizations.models import (
    PATH_STEP,
    Commune,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    VillageCellLink,
)
from chibo.organizations.services import _check_parent

from .models import Reorganization

# What moves, in the order the preview lists it.
WHAT = {
    "organization": gettext_lazy("Tổ chức trực thuộc"),
    "member": gettext_lazy("Đảng viên"),
    "candidate": gettext_lazy("Quần chúng ưu tú đang xét kết nạp"),
    "village": gettext_lazy("Thôn, bản, tiểu khu"),
    "role": gettext_lazy("Vai trò người dùng"),
    "position": gettext_lazy("Chức vụ trong cấp ủy"),
    "leader": gettext_lazy("Bí thư Đảng ủy, Chủ tịch UBND xã"),
    "official": gettext_lazy("Cán bộ, công chức xã"),
    "follow": gettext_lazy("Cán bộ được phân công theo dõi"),
    "commune": gettext_lazy("Xã (đơn vị hành chính)"),
}
# Seats one person holds at a time in one organization: two holders among the merged ones are
# a conflict until the plan names the one who keeps it.
SINGLE_TITLES = {Title.SECRETARY}
SINGLE_CELL_TITLES = {Title.SECRETARY, Title.DEPUTY_SECRETARY}


@dataclass
class Target:
    """Where moves go: a part the plan founds (organization None until applied) or `into`."""

    index: int
    name: str
    code: str
    organization: Organization | None = None


@dataclass
class Move:
    what: str
    row: object
    source: Organization
    part: int | None  # index in Preview.targets; None: the row ends and opens nowhere
    label: str

    @property
    def key(self) -> str:
        """The row's key in the plan's choices ("member:12": a member, not a membership)."""
        if self.what == "member":
            return f"member:{self.row.member_id}"
        if self.what == "village":
            return f"village:{self.row.village_id}"
        return f"{self.what}:{self.row.pk}"

    @property
    def what_label(self):
        return WHAT[self.what]


@dataclass
class SeatGroup:
    """A single seat held by several people among the organizations merged: who keeps it."""

    key: str  # "position:secretary", "leader:party_secretary"
    label: str
    candidates: list[tuple[int, str]]
    chosen: int | None


@dataclass
class Preview:
    plan: Reorganization
    today: datetime.date
    sources: list[Organization]
    targets: list[Target]
    parent: Organization | None
    moves: list[Move] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seat_groups: list[SeatGroup] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def groups(self) -> list[tuple[str, str, list[Move]]]:
        """(what, its label, the moves) for each kind of row that moves, in WHAT's order."""
        by = {}
        for move in self.moves:
            by.setdefault(move.what, []).append(move)
        return [(w, WHAT[w], by[w]) for w in WHAT if w in by]

    def counts(self) -> dict[str, int]:
        return {w: len(moves) for w, _label, moves in self.groups()}

    def target_name(self, move: Move) -> str:
        return "" if move.part is None else self.targets[move.part].name


def plans_for(scope):
    """The plans whose owner the scope reads, newest date first."""
    return Reorganization.objects.filter(scope.paths_q("owner__path")).select_related("owner")


def lowest_common(orgs) -> Organization | None:
    """The lowest organization whose subtree holds every one of `orgs` (paths are prefixes)."""
    paths = [o.path for o in orgs if o is not None]
    if not paths:
        return None
    common = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(common), len(p)) and common[n : n + PATH_STEP] == p[n : n + PATH_STEP]:
            n += PATH_STEP
        common = common[:n]
    if not common:
        return None
    return Organization.objects.get(path=common)


def _latest_changes(orgs) -> dict[int, datetime.date]:
    """The last day each organization's name, place or validity changed. Two queries."""
    latest = {o.pk: o.valid_from for o in orgs}
    periods = (
        OrganizationPeriod.objects.filter(organization_id__in=latest)
        .values("organization_id")
        .annotate(d=Max("valid_from"))
        .values_list("organization_id", "d")
    )
    events = (
        OrganizationEvent.objects.filter(organization_id__in=latest)
        .values("organization_id")
        .annotate(d=Max("on"))
        .values_list("organization_id", "d")
    )
    for pk, day in [*periods, *events]:
        latest[pk] = max(latest[pk], day)
    return latest


def _running(on: datetime.date, end="end") -> Q:
    """Rows still holding on `on` or later (their end is after it, or they have none)."""
    return Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on})


class _Reader:
    """Builds one Preview; each method reads one kind of row."""

    def __init__(self, plan: Reorganization, today: datetime.date):
        self.plan = plan
        self.on = plan.on
        self.today = today
        self.parts = plan.choices.get("parts", {}) if isinstance(plan.choices, dict) else {}
        self.seats_choice = plan.choices.get("seats", {}) if isinstance(plan.choices, dict) else {}
        sources = list(Organization.objects.filter(reorganizations=plan).select_related("parent"))
        self.split = plan.kind == Reorganization.Kind.SPLIT
        # A merger into the sources' own parent (a district committee ending, its organizations
        # passing to the province): what it holds moves up; its committee's seats end.
        self.absorb = (
            plan.into is not None
            and bool(sources)
            and all(s.parent_id == plan.into.pk for s in sources)
        )
        into = plan.into
        if into is not None:
            targets = [Target(0, into.name, into.code, into)]
        else:
            targets = [
                Target(p.index, p.name, p.code, p.organization)
                for p in plan.parts.select_related("organization").order_by("index")
            ]
        parent = plan.parent
        if parent is None and into is None and sources:
            parents = {s.parent_id for s in sources}
            parent = sources[0].parent if len(parents) == 1 else None
        self.p = Preview(plan, today, sources, targets, parent)
        self.member_part: dict[int, int] = {}

    # --- helpers ----------------------------------------------------------------------------
    def conflict(self, text):
        self.p.conflicts.append(text)

    def part_for(self, key: str, default=None):
        """The part index the plan chose for `key` ("member:12"), checked; else `default`."""
        if not self.split:
            return 0
        value = self.parts.get(key, default)
        if value is None:
            return None
        try:
            value = int(value)
        except (TypeError, ValueError):
            return None
        return value if 0 <= value < len(self.p.targets) else None

    def move(self, what, row, source, part, label):
        self.p.moves.append(Move(what, row, source, part, label))

    def after_start(self, start: datetime.date, what: str, *, same_day=False):
        """A conflict if `start` is on or after the plan's date (after it, with `same_day`:
        an organization founded or moved that day may still move under another)."""
        if start > self.on or (start == self.on and not same_day):
            self.conflict(
                _("Ngày hiệu lực phải sau ngày %(d)s (%(what)s).")
                % {"d": day_text(start), "what": what}
            )

    # --- the checks of the plan itself ------------------------------------------------------
    def check_plan(self):
        p, plan, on = self.p, self.plan, self.on
        if on < self.today:
            self.conflict(
                _("Ngày hiệu lực %(d)s đã qua: một thay đổi không viết lại quá khứ.")
                % {"d": day_text(on)}
            )
        if not p.sources:
            self.conflict(_("Chưa chọn tổ chức nào để sắp xếp."))
            return False
        kinds = {(s.kind, s.cell_type) for s in p.sources}
        if len(kinds) > 1:
            self.conflict(_("Các tổ chức được sắp xếp phải cùng một loại."))
        for s in p.sources:
            if s.valid_to is not None:
                self.conflict(
                    _("%(o)s đã kết thúc từ %(d)s.") % {"o": s.name, "d": day_text(s.valid_to)}
                )
        if self.split:
            if len(p.sources) != 1:
                self.conflict(_("Mỗi phương án chia tách một tổ chức."))
            if len(p.targets) < 2:
                self.conflict(_("Chia tách cần ít nhất hai tổ chức mới."))
        elif plan.into is not None:
            into = plan.into
            if into in p.sources:
                self.conflict(_("Tổ chức nhận sáp nhập không thể là một tổ chức bị sáp nhập."))
            if into.valid_to is not None:
                self.conflict(
                    _("%(o)s đã kết thúc từ %(d)s.")
                    % {"o": into.name, "d": day_text(into.valid_to)}
                )
            if self.absorb:
                if any(s.kind == Organization.Kind.CELL for s in p.sources):
                    self.conflict(_("Chi bộ sáp nhập vào một chi bộ, không vào cấp trên."))
            elif (into.kind, into.cell_type) not in kinds:
                self.conflict(
                    _(
                        "Tổ chức nhận sáp nhập phải cùng loại với các tổ chức sáp nhập, hoặc là "
                        "cấp trên của chúng."
                    )
                )
        else:
            if len(p.sources) < 2:
                self.conflict(_("Sáp nhập thành tổ chức mới cần ít nhất hai tổ chức."))
            if len(p.targets) != 1:
                self.conflict(_("Sáp nhập thành đúng một tổ chức mới."))
        self.check_new_parts()
        # What ends on the date must have changed last before it (one change of an
        # organization's period a day); what receives may have been founded that very day.
        for org in [o for o in (plan.into, p.parent) if o is not None]:
            if org.valid_from > on:
                self.conflict(
                    _("%(o)s chưa thành lập vào ngày %(d)s.") % {"o": org.name, "d": day_text(on)}
                )
        latest_of = _latest_changes(p.sources)
        for org in p.sources:
            latest = latest_of[org.pk]
            if on <= latest:
                self.conflict(
                    _("Ngày hiệu lực phải sau ngày %(d)s, lần thay đổi gần nhất của %(o)s.")
                    % {"d": day_text(latest), "o": org.name}
                )
        return True

    def check_new_parts(self):
        p = self.p
        new = [t for t in p.targets if self.plan.into is None]
        if not new:
            return
        codes = [t.code.strip() for t in new]
        for t in new:
            if not t.code.strip() or not t.name.strip():
                self.conflict(_("Tổ chức mới nào cũng cần mã và tên."))
                break
        if len(set(codes)) < len(codes):
            self.conflict(_("Hai tổ chức mới trùng mã."))
        taken = Organization.objects.filter(code__in=codes)
        if self.plan.status == Reorganization.Status.APPLIED:
            taken = taken.exclude(pk__in=[t.organization_id for t in self.plan.parts.all()])
        for org in taken:
            self.conflict(
                _("Mã %(code)s đã được dùng cho %(o)s.") % {"code": org.code, "o": org.name}
            )
        source = p.sources[0]
        if p.parent is None:
            if (
                source.kind == Organization.Kind.CELL
                or self.plan.parent_id is None
                and len({s.parent_id for s in p.sources}) > 1
            ):
                self.conflict(
                    _(
                        "Các tổ chức thuộc những cấp trên khác nhau: hãy chọn cấp trên cho tổ "
                        "chức mới."
                    )
                )
            return
        if p.parent in p.sources or any(p.parent.path.startswith(s.path) for s in p.sources):
            self.conflict(
                _("%(o)s kết thúc theo phương án này nên không thể là cấp trên của tổ chức mới.")
                % {"o": p.parent.name}
            )
            return
        try:
            _check_parent(source.kind, p.parent, source.cell_type)
        except Exception as exc:  # a ValidationError: its message is the conflict
            self.conflict(" ".join(getattr(exc, "messages", [str(exc)])))

    # --- the rows that move -----------------------------------------------------------------
    def children(self):
        rows = list(
            Organization.objects.filter(parent__in=self.p.sources, valid_to__isnull=True).order_by(
                "name"
            )
        )
        latest_of = _latest_changes(rows)
        for child in rows:
            source = self.by_id[child.parent_id]
            part = self.part_for(f"organization:{child.pk}")
            if part is None:
                self.conflict(
                    _("%(o)s sẽ không còn tổ chức cấp trên: hãy chọn tổ chức mới cho nó.")
                    % {"o": child.name}
                )
            self.after_start(latest_of[child.pk], child.name, same_day=True)
            self.move("organization", child, source, part, child.name)

    def members(self):
        ships = (
            Membership.objects.filter(cell__in=self.p.sources, end__isnull=True)
            .select_related("member")
            .order_by("member__sort_key", "member_id")
        )
        for ship in ships:
            source = self.by_id[ship.cell_id]
            member = ship.member
            part = self.part_for(f"member:{member.pk}")
            if part is None:
                self.conflict(
                    _("Đảng viên %(n)s chưa được phân về tổ chức mới.") % {"n": member.full_name}
                )
            if member.status not in IN_CELL_STATUSES:
                self.conflict(
                    _("Đảng viên %(n)s không còn sinh hoạt (%(s)s) mà vẫn ghi ở %(o)s.")
                    % {"n": member.full_name, "s": member.get_status_display(), "o": source.name}
                )
            self.after_start(ship.start, _("sinh hoạt của %(n)s") % {"n": member.full_name})
            self.member_part[member.pk] = part
            self.move("member", ship, source, part, member.full_name)
        later = Membership.objects.filter(cell__in=self.p.sources, start__gt=self.on)
        later = later.select_related("member")
        for ship in later:
            self.after_start(ship.start, _("sinh hoạt của %(n)s") % {"n": ship.member.full_name})

    def candidates(self):
        """The candidates on the way in of the cells merged or split: they go where the plan
        says (in a split, with their member record if the ceremony made one), else no cell
        could take their next step."""
        cells = [s for s in self.p.sources if s.kind == Organization.Kind.CELL]
        if not cells:
            return
        rows = sorted(
            in_progress_in(cells, self.on), key=lambda c: (vn.full_name_sort_key(c.full_name), c.pk)
        )
        for row in rows:
            source = self.by_id[row.cell_id]
            part = self.part_for(f"candidate:{row.pk}", self.member_part.get(row.member_id))
            if part is None:
                self.conflict(
                    _("Quần chúng %(n)s chưa được phân về tổ chức mới.") % {"n": row.full_name}
                )
            self.after_start(row.listed_on, _("quần chúng %(n)s") % {"n": row.full_name})
            self.move("candidate", row, source, part, row.full_name)

    def villages(self):
        links = list(
            VillageCellLink.objects.filter(cell__in=self.p.sources, end__isnull=True)
            .select_related("village")
            .order_by("village__name")
        )
        for link in links:
            source = self.by_id[link.cell_id]
            part = self.part_for(f"village:{link.village_id}")
            if part is None:
                self.conflict(_("%(v)s chưa có chi bộ mới phụ trách.") % {"v": link.village})
            self.after_start(link.start, str(link.village))
            self.move("village", link, source, part, str(link.village))
        if (
            links
            and self.plan.into is not None
            and (self.plan.into.cell_type != Organization.CellType.RESIDENTIAL)
        ):
            self.conflict(_("Chỉ chi bộ thôn, bản, tiểu khu phụ trách thôn, bản."))

    def roles(self):
        rows = (
            # A role that goes with a follow assignment moves with it.
            RoleAssignment.objects.filter(
                organization__in=self.p.sources, follow_assignment__isnull=True
            )
            .filter(_running(self.on, "valid_to"))
            .select_related("user")
            .order_by("user__username", "role")
        )
        for role in rows:
            source = self.by_id[role.organization_id]
            default = None
            if role.user.member_id in self.member_part:
                default = self.member_part[role.user.member_id]
            part = self.part_for(f"role:{role.pk}", default)
            if part is None:
                self.conflict(
                    _("Vai trò %(r)s của %(u)s chưa được phân về tổ chức mới.")
                    % {"r": role.get_role_display(), "u": role.user}
                )
            self.after_start(role.valid_from, _("vai trò của %(u)s") % {"u": role.user})
            label = f"{role.user} · {role.get_role_display()}"
            self.move("role", role, source, part, label)

    def seats(self, what, rows, key_of, title_of, single, label_of, member_of):
        """Committee seats (Position) or commune leaders: each single seat held by two people or
        more among the merged organizations needs the plan to name the one who keeps it."""
        rows = list(rows)
        if self.absorb:
            for row in rows:
                self.move(what, row, row_source(row), None, label_of(row))
            return
        if self.split:
            for row in rows:
                default = self.member_part.get(member_of(row))
                part = self.part_for(f"{what}:{row.pk}", default)
                if part is None:
                    self.conflict(_("%(x)s chưa được phân về tổ chức mới.") % {"x": label_of(row)})
                self.move(what, row, row_source(row), part, label_of(row))
            return
        held_at_into = []
        if self.plan.into is not None:
            held_at_into = list(rows_at(what, self.plan.into, self.on))
        by_seat = {}
        for row in rows:
            by_seat.setdefault(key_of(row), []).append(row)
        for seat, holders in by_seat.items():
            keeps = None
            if title_of(holders[0]) in single:
                everyone = holders + [r for r in held_at_into if key_of(r) == seat]
                if len(everyone) > 1:
                    chosen = self.seats_choice.get(f"{what}:{seat}")
                    keeps = next((r for r in everyone if str(r.pk) == str(chosen)), None)
                    self.p.seat_groups.append(
                        SeatGroup(
                            key=f"{what}:{seat}",
                            label=str(
                                holders[0].get_title_display()
                                if what == "position"
                                else holders[0].get_post_display()
                            ),
                            candidates=[(r.pk, label_of(r)) for r in everyone],
                            chosen=keeps.pk if keeps else None,
                        )
                    )
                    if keeps is None:
                        self.conflict(
                            _(
                                "%(t)s do %(n)d người giữ ở các tổ chức sáp nhập (%(who)s): "
                                "hãy chọn người giữ chức vụ ở tổ chức mới."
                            )
                            % {
                                "t": holders[0].get_title_display()
                                if what == "position"
                                else holders[0].get_post_display(),
                                "n": len(everyone),
                                "who": "; ".join(label_of(r) for r in everyone),
                            }
                        )
            for row in holders:
                part = 0 if keeps is None or keeps.pk == row.pk else None
                self.move(what, row, row_source(row), part, label_of(row))
            if keeps is not None:
                # The organization merged into gives up its holder's seat to the one chosen.
                for row in held_at_into:
                    if key_of(row) == seat and row.pk != keeps.pk:
                        self.move(what, row, row_source(row), None, label_of(row))

    def positions_and_leaders(self, sources):
        rows = (
            Position.objects.filter(organization__in=sources)
            .filter(_running(self.on))
            .select_related("member", "organization")
            .order_by("title", "member__full_name")
        )
        is_cell = sources[0].kind == Organization.Kind.CELL
        rows = list(rows)
        for row in rows:
            self.after_start(row.start, _("chức vụ của %(n)s") % {"n": row.member.full_name})
        self.seats(
            "position",
            rows,
            key_of=lambda r: r.title,
            title_of=lambda r: r.title,
            single=SINGLE_CELL_TITLES if is_cell else SINGLE_TITLES,
            label_of=lambda r: f"{r.get_title_display()}: {r.member.full_name} ({r.organization})",
            member_of=lambda r: r.member_id,
        )
        leaders = list(
            CommuneLeader.objects.filter(commune__in=sources)
            .filter(_running(self.on))
            .select_related("commune")
            .order_by("post", "full_name")
        )
        for row in leaders:
            self.after_start(row.start, row.full_name)
        self.seats(
            "leader",
            leaders,
            key_of=lambda r: r.post,
            title_of=lambda r: r.post,
            single=set(CommuneLeader.Post.values),
            label_of=lambda r: f"{r.get_post_display()}: {r.full_name} ({r.commune})",
            member_of=lambda r: r.member_id,
        )

    def officials(self):
        rows = sorted(
            CommuneOfficial.objects.filter(commune__in=self.p.sources).filter(_running(self.on)),
            key=lambda o: (vn.full_name_sort_key(o.full_name), o.pk),
        )
        for row in rows:
            source = self.by_id[row.commune_id]
            part = self.part_for(f"official:{row.pk}", self.member_part.get(row.member_id))
            if self.absorb:
                part = 0  # commune officials stay in post: ends below check the kinds
                self.conflict(
                    _("%(o)s có cán bộ, công chức xã: chỉ sáp nhập vào một đảng bộ xã.")
                    % {"o": source.name}
                )
            if part is None:
                self.conflict(
                    _("%(n)s (%(p)s) chưa được phân về tổ chức mới.")
                    % {"n": row.full_name, "p": row.post}
                )
            self.after_start(row.start, row.full_name)
            self.move("official", row, source, part, f"{row.full_name} · {row.post}")

    def follows(self):
        rows = (
            FollowAssignment.objects.filter(cell__in=self.p.sources)
            .filter(_running(self.on))
            .select_related("official")
            .order_by("official__username", "start")
        )
        # An official follows a cell once at a time: one who already follows the organization
        # merged into, or followed two of the merged cells, keeps one assignment there.
        following = set()
        if self.plan.into is not None:
            already = FollowAssignment.objects.filter(cell=self.plan.into).filter(_running(self.on))
            following = {
                (official, 0) for official in already.values_list("official_id", flat=True)
            }
        for row in rows:
            source = self.by_id[row.cell_id]
            self.after_start(row.start, _("phân công theo dõi của %(u)s") % {"u": row.official})
            label = f"{row.official} · {row.get_kind_display()}"
            if self.split and self.parts.get(f"follow:{row.pk}") is None:
                # An official who followed the cell follows each of its parts, unless the plan
                # names one.
                parts = [target.index for target in self.p.targets]
            else:
                parts = [self.part_for(f"follow:{row.pk}")]
            for part in parts:
                if part is not None and (row.official_id, part) in following:
                    part = None
                following.add((row.official_id, part))
                self.move("follow", row, source, part, label)

    def communes(self):
        rows = Commune.objects.filter(party_committee__in=self.p.sources, valid_to__isnull=True)
        for commune in rows.order_by("name"):
            source = self.by_id[commune.party_committee_id]
            part = self.part_for(f"commune:{commune.pk}")
            if self.absorb:
                self.conflict(
                    _("%(c)s cần một đảng bộ xã lãnh đạo: hãy sáp nhập vào một đảng bộ xã.")
                    % {"c": commune}
                )
            elif part is None:
                self.conflict(_("%(c)s chưa có đảng bộ mới lãnh đạo.") % {"c": commune})
            self.move("commune", commune, source, part, str(commune))

    def warnings(self, sources):
        meetings = CellMeeting.objects.filter(
            cell__in=sources, held_on__isnull=True, scheduled_date__gte=self.on
        ).select_related("cell")
        for meeting in meetings.order_by("scheduled_date")[:20]:
            self.p.warnings.append(
                _("Cuộc họp dự kiến ngày %(d)s của %(o)s sẽ không diễn ra ở tổ chức cũ.")
                % {"d": day_text(meeting.scheduled_date), "o": meeting.cell}
            )
        others = (
            Reorganization.objects.filter(
                status=Reorganization.Status.DRAFT, source_rows__organization__in=sources
            )
            .exclude(pk=self.plan.pk)
            .distinct()
        )
        for other in others:
            self.p.warnings.append(
                _("Phương án dự thảo khác cũng sắp xếp tổ chức này: %(p)s.") % {"p": other}
            )

    def read(self) -> Preview:
        if not self.check_plan():
            return self.p
        self.by_id = {s.pk: s for s in self.p.sources}
        self.children()
        self.members()
        self.candidates()
        self.villages()
        self.roles()
        self.positions_and_leaders(self.p.sources)
        self.officials()
        self.follows()
        self.communes()
        self.warnings(self.p.sources)
        return self.p


def row_source(row):
    return row.organization if hasattr(row, "title") else row.commune


def rows_at(what: str, org: Organization, on: datetime.date):
    if what == "position":
        return (
            Position.objects.filter(organization=org)
            .filter(_running(on))
            .select_related("member", "organization")
        )
    return CommuneLeader.objects.filter(commune=org).filter(_running(on)).select_related("commune")


def preview(plan: Reorganization, *, today: datetime.date | None = None) -> Preview:
    """What applying `plan` would move, and every conflict that stops it (`today`: the day the
    question is asked, today by default; the demo passes the day it simulates)."""
    return _Reader(plan, today or today_()).read()
