"""The sheets that need more than a model per row: the organization tree (paths on every date),
members (matched by card, citizen ID or name and dates; their cell history and status), village
links and accounts; and what each sheet writes on export.

Export functions take an ExportContext and yield {attr: value} rows, codes instead of ids.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chibo.accounts.models import RoleAssignment, User
from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    LeadershipTarget,
    Position,
    RoleModel,
    RoleModelRule,
    SuccessionPlan,
    Term,
)
from chibo.core import vn
from chibo.core.models import AuditEvent
from chibo.meetings.models import (
    Attendance,
    CellMeeting,
    FollowAssignment,
    Guest,
    MeetingRule,
    ScoreEntry,
    ScoreItem,
    SupportAssignment,
    SupportVisit,
    Task,
)
from chibo.members.models import IN_CELL_STATUSES, Member, Membership, Status, StatusChange
from chibo.members.services import EDITABLE_FIELDS
from chibo.organizations.models import (
    Commune,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
    VillageCellLink,
    path_segment,
    subtree_q,
)
from chibo.organizations.services import KIND_RANK
from chibo.targets.models import Target, TargetProgress
from chibo.training.models import (
    Contest,
    Contestant,
    ContestRound,
    Enrollment,
    TheoryLevelChange,
    TrainingCourse,
)

from .engine import Problem, Row, Summary
from .spec import Invalid

K = Organization.Kind
UPPER = (K.PROVINCE_COMMITTEE, K.DISTRICT_COMMITTEE)


# --- export context -----------------------------------------------------------------------------


@dataclass
class ExportContext:
    """What every sheet's export needs: the root's subtree and the codes of rows by id."""

    root: Organization | None  # None: everything
    org_code: dict = field(default_factory=dict)
    member_ref: dict = field(default_factory=dict)
    village_code: dict = field(default_factory=dict)
    username: dict = field(default_factory=dict)
    # Members who left the subtree: member id -> (their last cell in it, the day they left).
    left: dict = field(default_factory=dict)

    def orgs_q(self, name="organization"):
        if self.root is None:
            return Q()
        return subtree_q(self.root.path, f"{name}__path")

    def org(self, pk):
        return self.org_code.get(pk, "")

    def member(self, pk):
        return self.member_ref.get(pk, "")


def export_context(root: Organization | None) -> ExportContext:
    ctx = ExportContext(root=root)
    orgs = Organization.objects.all()
    if root is not None:
        orgs = orgs.filter(subtree_q(root.path))
    ctx.org_code = dict(orgs.values_list("pk", "code"))
    cells = list(ctx.org_code)
    ids = set(Member.objects.filter(cell_id__in=cells).values_list("pk", flat=True))
    if root is not None:
        # Members who were in the subtree and left it: from its point of view they moved out
        # on the day their last membership in it ended.
        former = defaultdict(list)
        for member_id, cell_id, end in Membership.objects.filter(cell_id__in=cells).values_list(
            "member_id", "cell_id", "end"
        ):
            if member_id not in ids:
                former[member_id].append((end or datetime.date.max, cell_id))
        for member_id, spans in former.items():
            end, cell_id = max(spans)
            ctx.left[member_id] = (cell_id, None if end == datetime.date.max else end)
        ids |= set(former)
    members = Member.objects.filter(pk__in=ids) if root is not None else Member.objects.all()
    for pk, card, cid in members.values_list("pk", "party_card_number", "citizen_id"):
        ctx.member_ref[pk] = card or cid or f"DV{pk}"
    villages = Village.objects.all()
    if root is not None:
        villages = villages.filter(
            Q(commune__party_committee_id__in=list(ctx.org_code))
            | Q(cell_links__cell_id__in=list(ctx.org_code))
        ).distinct()
    ctx.village_code = dict(villages.values_list("pk", "code"))
    users = User.objects.filter(
        Q(roles__organization_id__in=list(ctx.org_code))
        | Q(follow_assignments__cell_id__in=list(ctx.org_code))
    ).distinct()
    ctx.username = dict(users.values_list("pk", "username"))
    return ctx


# --- organizations ------------------------------------------------------------------------------


def _load_org_rows():
    return {
        o.code: o
        for o in Organization.objects.only(
            "pk", "code", "name", "kind", "parent_id", "path", "depth", "valid_from", "valid_to"
        )
    }


def apply_organizations(run, sheet, rows: list[Row]):
    """Create the organizations the database lacks, parents first; an existing one must agree
    (a rename or a move is a dated change made on the organization's page)."""
    summary = run.summaries.setdefault(sheet.name, Summary())
    existing = _load_org_rows()
    by_code: dict[str, Row] = {}
    for row in rows:
        code = row.attrs.get("code")
        if not code:
            continue
        if code in by_code:
            run.error(
                sheet,
                row.number,
                "Mã",
                _("Mã «%(c)s» trùng với dòng %(n)s.") % {"c": code, "n": by_code[code].number},
            )
            continue
        by_code[code] = row
    # Parents: a code of this file or of the database.
    parent_of = {}
    for code, row in by_code.items():
        parent = row.attrs.get("parent") or ""
        known = parent in by_code or parent in existing or run.refs.get("org", parent) is not None
        if parent and not known:
            run.error(
                sheet,
                row.number,
                "Mã cấp trên",
                _("Không có tổ chức mã «%(c)s» trong tệp hay trong dữ liệu.") % {"c": parent},
            )
        parent_of[code] = parent
    for code, row in by_code.items():
        seen, node = {code}, parent_of.get(code)
        while node and node in by_code:
            if node in seen:
                run.error(
                    sheet,
                    row.number,
                    "Mã cấp trên",
                    _("Cây tổ chức có vòng: «%(c)s» nằm dưới chính nó.") % {"c": code},
                )
                break
            seen.add(node)
            node = parent_of.get(node)
    if run.errors:
        run.placeholders("org", by_code)
        return

    def kind_of(code):
        if code in by_code:
            return by_code[code].attrs["kind"]
        return existing[code].kind if code in existing else None  # a row that failed to read

    new_rows = []
    for code, row in by_code.items():
        a = row.attrs
        parent = parent_of[code]
        if a.get("valid_to") and a["valid_to"] <= a["valid_from"]:
            run.error(sheet, row.number, "Hết hiệu lực từ", _("Phải sau ngày hiệu lực."))
        if a["kind"] == K.CELL and not a.get("cell_type"):
            run.error(sheet, row.number, "Loại chi bộ", _("Chi bộ phải có loại chi bộ."))
        if a["kind"] == K.GRASSROOTS and not a.get("grassroots_type"):
            run.error(sheet, row.number, "Loại cơ sở", _("Tổ chức cơ sở phải có loại cơ sở."))
        if parent and kind_of(parent) is not None:
            if kind_of(parent) == K.CELL:
                run.error(
                    sheet, row.number, "Mã cấp trên", _("Chi bộ không có tổ chức trực thuộc.")
                )
            elif KIND_RANK[a["kind"]] <= KIND_RANK[kind_of(parent)]:
                run.error(
                    sheet, row.number, "Mã cấp trên", _("Tổ chức cấp trên phải ở cấp cao hơn.")
                )
        elif a["kind"] == K.CELL:
            run.error(sheet, row.number, "Mã cấp trên", _("Chi bộ phải có tổ chức cấp trên."))
        old = existing.get(code)
        if old is None:
            if parent in existing and not run.can_write_org(existing[parent].pk):
                run.error(
                    sheet,
                    row.number,
                    "Mã cấp trên",
                    _("Tổ chức «%(c)s» nằm ngoài phạm vi bạn được nhập.") % {"c": parent},
                )
            elif (
                not parent
                and run.scope is not None
                and not run.scope.superuser
                and Organization.objects.exists()
            ):
                run.error(
                    sheet,
                    row.number,
                    "Mã cấp trên",
                    _("Chỉ được thêm tổ chức gốc vào một cơ sở dữ liệu trống."),
                )
            new_rows.append(row)
            continue
        run.refs.add("org", code, old.pk)
        if not run.can_write_org(old.pk):
            run.error(
                sheet,
                row.number,
                "Mã",
                _("Tổ chức «%(c)s» nằm ngoài phạm vi bạn được nhập.") % {"c": code},
            )
            continue
        old_parent = next((c for c, o in existing.items() if o.pk == old.parent_id), "")
        differs = [
            label
            for label, same in (
                ("Tên", old.name == a["name"]),
                ("Loại", old.kind == a["kind"]),
                # A blank parent on an existing organization: the root of a subtree's export.
                ("Mã cấp trên", old_parent == parent or not parent),
                ("Hiệu lực từ", old.valid_from == a["valid_from"]),
                ("Hết hiệu lực từ", old.valid_to == a.get("valid_to")),
            )
            if not same
        ]
        if differs:
            run.error(
                sheet,
                row.number,
                differs[0],
                _(
                    "Tổ chức «%(c)s» đã có trong chibo với %(f)s khác. Đổi tên, chuyển trực "
                    "thuộc, sáp nhập hay giải thể là thay đổi có ngày: làm trên trang của tổ chức."
                )
                % {"c": code, "f": ", ".join(differs)},
            )
        else:
            summary.unchanged += 1
    if run.errors:
        run.placeholders("org", by_code)
        return
    if not new_rows:
        return
    created = {}
    objs = []
    for row in new_rows:
        a = row.attrs
        obj = Organization(
            code=a["code"],
            name=a["name"],
            kind=a["kind"],
            grassroots_type=a.get("grassroots_type") or "",
            cell_type=a.get("cell_type") or "",
            valid_from=a["valid_from"],
            valid_to=a.get("valid_to"),
            path="",
        )
        objs.append(obj)
        created[a["code"]] = obj
    Organization.objects.bulk_create(objs, batch_size=1000)
    paths = {code: o.path for code, o in existing.items()}
    depths = {code: o.depth for code, o in existing.items()}
    pks = {code: o.pk for code, o in existing.items()}
    pks.update({code: o.pk for code, o in created.items()})

    def path_of(code):
        if code not in paths:
            parent = parent_of[code]
            prefix = path_of(parent) if parent else ""
            paths[code] = prefix + path_segment(pks[code])
            depths[code] = (depths[parent] + 1) if parent else 0
        return paths[code]

    for code, obj in created.items():
        obj.path = path_of(code)
        obj.depth = depths[code]
        parent = parent_of[code]
        obj.parent_id = pks[parent] if parent else None
        run.refs.add("org", code, obj.pk)
    Organization.objects.bulk_update(objs, ["path", "depth", "parent"], batch_size=1000)
    summary.created += len(objs)
    run.state["new_orgs"] = created
    run.state["org_parent_code"] = parent_of
    for obj in objs:
        run.audit(AuditEvent.Action.CREATE, obj, {})
    run.finalizers.append(_default_periods_and_events)


def apply_periods(run, sheet, rows: list[Row]):
    """Periods (name and parent over a date interval) of the organizations this file creates;
    those of organizations already in chibo are kept as they are."""
    created = run.state.get("new_orgs", {})
    summary = run.summaries.setdefault(sheet.name, Summary())
    wanted = defaultdict(list)
    for row in rows:
        a = row.attrs
        code = a.get("organization")
        if code not in created:
            if run.refs.get("org", code) is None:
                run.error(
                    sheet,
                    row.number,
                    "Mã tổ chức",
                    _("Không có tổ chức mã «%(c)s» trong tệp hay trong dữ liệu.") % {"c": code},
                )
            else:
                summary.unchanged += 1
            continue
        parent = a.get("parent") or ""
        if parent and run.refs.get("org", parent) is None:
            run.error(
                sheet,
                row.number,
                "Mã cấp trên",
                _("Không có tổ chức mã «%(c)s» trong tệp hay trong dữ liệu.") % {"c": parent},
            )
            continue
        if a.get("valid_to") and a["valid_to"] <= a["valid_from"]:
            run.error(sheet, row.number, "Đến ngày", _("Phải sau ngày bắt đầu."))
            continue
        wanted[code].append((row.number, a["name"], parent, a["valid_from"], a.get("valid_to")))
    for spans in wanted.values():
        spans.sort(key=lambda s: s[3])
        for (n1, *_r1, to1), (n2, _nm, _p, from2, _to2) in zip(spans, spans[1:], strict=False):
            if to1 is None or to1 > from2:
                run.error(
                    sheet,
                    n2,
                    "Từ ngày",
                    _("Khoảng này chồng lên khoảng ở dòng %(n)s của cùng tổ chức.") % {"n": n1},
                )
    run.state["periods"] = wanted


def _period_spans(run):
    """Every new organization's periods: from the sheet, else one from its validity."""
    created = run.state.get("new_orgs", {})
    wanted = run.state.get("periods", {})
    parent_of = run.state.get("org_parent_code", {})
    spans = {}
    for code, obj in created.items():
        if code in wanted:
            spans[code] = [(name, parent, f, t) for _n, name, parent, f, t in wanted[code]]
        else:
            spans[code] = [(obj.name, parent_of.get(code, ""), obj.valid_from, obj.valid_to)]
    return spans


def _default_periods_and_events(run):
    created = run.state.get("new_orgs", {})
    if not created:
        return
    spans = _period_spans(run)
    db_periods = defaultdict(list)
    for org_id, path, f, t in OrganizationPeriod.objects.exclude(
        organization_id__in=[o.pk for o in created.values()]
    ).values_list("organization_id", "path", "valid_from", "valid_to"):
        db_periods[org_id].append((path, f, t))
    code_pk = {code: o.pk for code, o in created.items()}
    memo = {}

    def path_on(code_or_pk, day):
        """The path of an organization on `day`: from its new periods or the database's."""
        pk = code_pk.get(code_or_pk, code_or_pk)
        key = (pk, day)
        if key in memo:
            return memo[key]
        result = None
        if code_or_pk in spans:
            for _name, parent, f, t in spans[code_or_pk]:
                if f <= day and (t is None or day < t):
                    if parent:
                        above = path_on(
                            parent if parent in spans else run.refs.get("org", parent), day
                        )
                        result = None if above is None else above + path_segment(pk)
                    else:
                        result = path_segment(pk)
                    break
        else:
            for path, f, t in db_periods.get(pk, ()):
                if f <= day and (t is None or day < t):
                    result = path
                    break
        memo[key] = result
        return result

    periods = []
    for code, rows in spans.items():
        for name, parent, f, t in rows:
            path = path_on(code, f)
            if path is None:
                run.errors.append(
                    Problem(
                        "Lịch sử tổ chức",
                        0,
                        "Mã cấp trên",
                        _(
                            "Tổ chức «%(c)s» từ ngày %(d)s thuộc «%(p)s», nhưng «%(p)s» chưa có "
                            "hiệu lực vào ngày đó."
                        )
                        % {"c": code, "d": f"{f:%d/%m/%Y}", "p": parent},
                    )
                )
                continue
            periods.append(
                OrganizationPeriod(
                    organization_id=code_pk[code],
                    name=name,
                    parent_id=(run.refs.get("org", parent) if parent else None),
                    path=path,
                    valid_from=f,
                    valid_to=t,
                )
            )
    if run.errors:
        return
    OrganizationPeriod.objects.bulk_create(periods, batch_size=2000)
    run.summaries.setdefault("Lịch sử tổ chức", Summary()).created += len(periods)
    if not run.state.get("events_given"):
        OrganizationEvent.objects.bulk_create(
            [
                OrganizationEvent(
                    kind=OrganizationEvent.Kind.FOUNDED,
                    on=o.valid_from,
                    organization_id=o.pk,
                    actor=run.actor,
                )
                for o in created.values()
            ],
            batch_size=2000,
        )


def apply_events(run, sheet, rows):
    run.state["events_given"] = True
    summary = run.summaries.setdefault(sheet.name, Summary())
    existing = set(OrganizationEvent.objects.values_list("organization_id", "kind", "on"))
    new, related = [], []
    for row in rows:
        if not run.resolve(sheet, row):
            continue
        a = row.attrs
        codes = a.pop("related", []) or []
        pks = []
        for code in codes:
            pk = run.refs.get("org", code)
            if pk is None:
                run.error(
                    sheet,
                    row.number,
                    "Tổ chức liên quan",
                    _("Không có tổ chức mã «%(c)s» trong tệp hay trong dữ liệu.") % {"c": code},
                )
            pks.append(pk)
        key = (a["organization_id"], a["kind"], a["on"])
        if key in existing:
            summary.unchanged += 1
            continue
        existing.add(key)
        new.append(OrganizationEvent(actor=run.actor, **a))
        related.append(pks)
    if run.errors:
        return
    OrganizationEvent.objects.bulk_create(new, batch_size=2000)
    through = OrganizationEvent.related.through
    through.objects.bulk_create(
        [
            through(organizationevent_id=ev.pk, organization_id=pk)
            for ev, pks in zip(new, related, strict=True)
            for pk in pks
        ],
        batch_size=2000,
    )
    summary.created += len(new)


def export_organizations(ctx):
    qs = Organization.objects.filter(pk__in=list(ctx.org_code)).order_by("path")
    for o in qs:
        parent = "" if (ctx.root is not None and o.pk == ctx.root.pk) else ctx.org(o.parent_id)
        yield {
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "grassroots_type": o.grassroots_type,
            "cell_type": o.cell_type,
            "parent": parent,
            "valid_from": o.valid_from,
            "valid_to": o.valid_to,
        }


def export_periods(ctx):
    qs = OrganizationPeriod.objects.filter(organization_id__in=list(ctx.org_code)).order_by(
        "organization__path", "valid_from"
    )
    for p in qs:
        yield {
            "organization": ctx.org(p.organization_id),
            "name": p.name,
            "parent": ctx.org(p.parent_id),
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
        }


def export_events(ctx):
    qs = OrganizationEvent.objects.filter(organization_id__in=list(ctx.org_code)).prefetch_related(
        "related"
    )
    for e in qs.order_by("on", "id"):
        yield {
            "organization": ctx.org(e.organization_id),
            "kind": e.kind,
            "on": e.on,
            "related": ", ".join(ctx.org(r.pk) for r in e.related.all() if r.pk in ctx.org_code),
            "decision": e.decision,
            "note": e.note,
        }


# --- communes, villages, links -----------------------------------------------------------------


def export_communes(ctx):
    qs = Commune.objects.filter(
        pk__in=Village.objects.filter(pk__in=list(ctx.village_code)).values("commune_id")
    )
    if ctx.root is not None:
        qs = Commune.objects.filter(
            Q(pk__in=qs.values("pk")) | Q(party_committee_id__in=list(ctx.org_code))
        )
    else:
        qs = Commune.objects.all()
    for c in qs.order_by("code"):
        yield {
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "party_committee": ctx.org(c.party_committee_id),
            "valid_from": c.valid_from,
            "valid_to": c.valid_to,
        }


def export_villages(ctx):
    qs = Village.objects.filter(pk__in=list(ctx.village_code)).select_related("commune")
    for v in qs.order_by("code"):
        yield {
            "code": v.code,
            "name": v.name,
            "kind": v.kind,
            "commune": v.commune.code,
            "especially_disadvantaged": v.especially_disadvantaged,
            "households": v.households,
            "valid_from": v.valid_from,
            "valid_to": v.valid_to,
        }


def apply_village_links(run, sheet, rows):
    """Dated links village → serving cell; one cell a day per village; Village.cell follows the
    open link."""
    summary = run.summaries.setdefault(sheet.name, Summary())
    existing = defaultdict(list)
    for village_id, cell_id, start, end in VillageCellLink.objects.values_list(
        "village_id", "cell_id", "start", "end"
    ):
        existing[village_id].append((start, end, cell_id, None))
    new = []
    for row in rows:
        if not run.resolve(sheet, row):
            continue
        a = row.attrs
        if a.get("end") and a["end"] <= a["start"]:
            run.error(sheet, row.number, "Đến ngày", _("Phải sau ngày bắt đầu."))
            continue
        spans = existing[a["village_id"]]
        same = [s for s in spans if s[0] == a["start"] and s[2] == a["cell_id"]]
        if same:
            if same[0][1] != a.get("end"):
                run.error(
                    sheet,
                    row.number,
                    "Đến ngày",
                    _("Khoảng này đã có trong chibo với ngày kết thúc khác."),
                )
            else:
                summary.unchanged += 1
            continue
        clash = next(
            (
                s
                for s in spans
                if (s[1] is None or a["start"] < s[1]) and (a.get("end") is None or s[0] < a["end"])
            ),
            None,
        )
        if clash is not None:
            where = (
                _("dòng %(n)s") % {"n": clash[3]} if clash[3] else _("dữ liệu đã có trong chibo")
            )
            run.error(
                sheet,
                row.number,
                "Từ ngày",
                _("Thôn đã do một chi bộ khác phục vụ trong khoảng này (%(w)s).") % {"w": where},
            )
            continue
        spans.append((a["start"], a.get("end"), a["cell_id"], row.number))
        new.append(VillageCellLink(**a))
    if run.errors:
        return
    VillageCellLink.objects.bulk_create(new, batch_size=2000)
    summary.created += len(new)
    open_cell = {link.village_id: link.cell_id for link in new if link.end is None}
    villages = list(Village.objects.filter(pk__in=list(open_cell)))
    for v in villages:
        v.cell_id = open_cell[v.pk]
    Village.objects.bulk_update(villages, ["cell"], batch_size=1000)


def export_village_links(ctx):
    qs = VillageCellLink.objects.filter(village_id__in=list(ctx.village_code))
    for link in qs.order_by("village__code", "start"):
        if link.cell_id not in ctx.org_code:
            continue
        yield {
            "village": ctx.village_code[link.village_id],
            "cell": ctx.org(link.cell_id),
            "start": link.start,
            "end": link.end,
        }


# --- members ------------------------------------------------------------------------------------


def _member_key(a) -> tuple:
    return (vn.fold(a.get("full_name", "")), a.get("birth_date"), a.get("admission_date"))


def member_loader():
    """Codes of members already in chibo: card number, citizen ID (the references the export
    writes, so a file can point at members without a members sheet)."""
    result = {}
    for pk, card, cid in Member.objects.values_list("pk", "party_card_number", "citizen_id"):
        if cid:
            result[cid] = pk
        if card:
            result[card] = pk
    return result


def apply_members(run, sheet, rows: list[Row]):
    """Members matched by card number, citizen ID, or name + birth + admission; new ones created
    with their cell history (from «Quá trình sinh hoạt» or this sheet), existing ones updated."""
    from chibo.members import rules

    summary = run.summaries.setdefault(sheet.name, Summary())
    by_card, by_cid, by_key, who = {}, {}, {}, {}
    for m in Member.objects.only(
        "pk", "party_card_number", "citizen_id", "full_name", "birth_date", "admission_date"
    ):
        who[m.pk] = (m.full_name, m.birth_date)
        if m.party_card_number:
            by_card[m.party_card_number] = m.pk
        if m.citizen_id:
            by_cid[m.citizen_id] = m.pk
        by_key[(vn.fold(m.full_name), m.birth_date, m.admission_date)] = m.pk
    seen_ref, seen_card, seen_cid = {}, {}, {}
    new, matched = [], []
    for row in rows:
        a = row.attrs
        for name, seen, label in (
            ("ref", seen_ref, "Số hiệu"),
            ("party_card_number", seen_card, "Số thẻ đảng viên"),
            ("citizen_id", seen_cid, "Số CCCD"),
        ):
            value = a.get(name)
            if value and value in seen:
                run.error(
                    sheet,
                    row.number,
                    label,
                    _("«%(v)s» trùng với dòng %(n)s.") % {"v": value, "n": seen[value]},
                )
            elif value:
                seen[value] = row.number
        cid = (a.get("citizen_id") or "").replace(" ", "")
        if cid and not (len(cid) == 12 and cid.isdigit()):
            run.error(sheet, row.number, "Số CCCD", _("Số CCCD phải gồm đúng 12 chữ số."))
        a["citizen_id"] = cid or None
        a["party_card_number"] = a.get("party_card_number") or None
        ethnicity = rules.canonical_ethnicity(a.get("ethnicity") or "")
        if a.get("ethnicity") and ethnicity is None:
            run.error(
                sheet,
                row.number,
                "Dân tộc",
                _("Dân tộc «%(v)s» không có trong danh mục 54 dân tộc; có phải «%(n)s»?")
                % {"v": a["ethnicity"], "n": rules.nearest_ethnicity(a["ethnicity"])},
            )
        elif ethnicity:
            a["ethnicity"] = ethnicity
        errors, warnings = rules.check(
            {k: a.get(k) for k in ("birth_date", "admission_date", "official_date")},
            on=run.on,
            name=a.get("full_name", ""),
        )
        for f in errors:
            run.error(sheet, row.number, _header(sheet, f.field), f.message)
        for f in warnings:
            run.warn(sheet, row.number, _header(sheet, f.field), f.message)
        cell_code = a.get("cell")
        cell_pk = run.refs.get("org", cell_code)
        if cell_pk is None:
            run.error(
                sheet,
                row.number,
                "Mã chi bộ",
                _("Không có chi bộ mã «%(c)s» trong tệp hay trong dữ liệu.") % {"c": cell_code},
            )
            continue
        if not run.can_write_org(cell_pk):
            run.error(
                sheet,
                row.number,
                "Mã chi bộ",
                _("Tổ chức «%(c)s» nằm ngoài phạm vi bạn được nhập.") % {"c": cell_code},
            )
            continue
        a["cell_id"] = cell_pk
        a["status"] = a.get("status") or Status.ACTIVE
        a["theory_level"] = a.get("theory_level") or "none"
        a["religion"] = a.get("religion") or "Không"
        if a["status"] != Status.ACTIVE and not a.get("status_since"):
            run.error(
                sheet,
                row.number,
                "Trạng thái từ ngày",
                _("Cần ngày của trạng thái «%(s)s».") % {"s": Status(a["status"]).label},
            )
        by_number = {
            label: found
            for label, found in (
                (
                    "Số thẻ đảng viên",
                    a["party_card_number"] and by_card.get(a["party_card_number"]),
                ),
                ("Số CCCD", a["citizen_id"] and by_cid.get(a["citizen_id"])),
            )
            if found
        }
        if len(set(by_number.values())) > 1:
            run.error(
                sheet,
                row.number,
                "Số CCCD",
                _("Số thẻ và số CCCD của dòng này thuộc về hai đảng viên khác nhau trong chibo."),
            )
            continue
        pk = next(iter(by_number.values()), None) or by_key.get(_member_key(a))
        if pk and by_number:
            # A number already in chibo: the same person, unless name and birth date both differ.
            name, born = who[pk]
            same_name = vn.fold(name) == vn.fold(a.get("full_name", ""))
            same_birth = born == a.get("birth_date")
            label = next(iter(by_number))
            if not same_name and not same_birth:
                run.error(
                    sheet,
                    row.number,
                    label,
                    _("%(what)s này đã là của «%(name)s» (sinh %(born)s) trong chibo.")
                    % {"what": label, "name": name, "born": f"{born:%d/%m/%Y}"},
                )
                continue
            if not (same_name and same_birth):
                run.warn(
                    sheet,
                    row.number,
                    label,
                    _("%(what)s này là của «%(name)s» (sinh %(born)s): hồ sơ sẽ được sửa theo tệp.")
                    % {"what": label, "name": name, "born": f"{born:%d/%m/%Y}"},
                )
        if pk:
            matched.append((row, pk))
        else:
            new.append(row)
    cells = {o.pk: o for o in Organization.objects.filter(pk__in={r.attrs["cell_id"] for r in new})}
    for row in new:
        cell = cells.get(row.attrs["cell_id"])
        if cell is not None and cell.kind != K.CELL:
            run.error(
                sheet,
                row.number,
                "Mã chi bộ",
                _("«%(c)s» không phải chi bộ: đảng viên sinh hoạt ở chi bộ.") % {"c": cell.code},
            )
    if run.errors:
        run.placeholders("member", [r.attrs.get("ref") for r in rows])
        return
    objs = []
    for row in new:
        a = row.attrs
        m = Member(**{k: a.get(k) for k in EDITABLE_FIELDS if k in a})
        for k in EDITABLE_FIELDS:
            if getattr(m, k) is None and not Member._meta.get_field(k).null:
                setattr(m, k, "")
        m.cell_id = a["cell_id"]
        m.status = a["status"]
        m.status_since = a.get("status_since")
        m.refresh_derived()
        objs.append(m)
    Member.objects.bulk_create(objs, batch_size=1000)
    for row, m in zip(new, objs, strict=True):
        run.refs.add("member", row.attrs["ref"], m.pk)
        run.audit(AuditEvent.Action.CREATE, m, {})
    summary.created += len(objs)
    run.state["new_members"] = {m.pk: row.attrs for row, m in zip(new, objs, strict=True)}
    _update_members(run, sheet, matched, summary)
    run.finalizers.append(_default_memberships)


def _header(sheet, attr) -> str:
    return next((c.header for c in sheet.columns if c.attr == attr), attr)


def _update_members(run, sheet, matched, summary):
    """Existing members: changed record fields are updated (audited); a change of cell or
    status goes through the dated services, on the row's dates."""
    if not matched:
        return
    members = Member.objects.in_bulk([pk for _row, pk in matched])
    for row, pk in matched:
        a = row.attrs
        run.refs.add("member", a["ref"], pk)
        try:
            with transaction.atomic():
                changed = _update_member(run, sheet, row, members[pk])
        except ValidationError as exc:
            for message in exc.messages:
                run.error(sheet, row.number, "", f"{a.get('full_name', '')}: {message}")
            continue
        if changed:
            summary.updated += 1
        else:
            summary.unchanged += 1


def _update_member(run, sheet, row, m) -> bool:
    from chibo.members import services

    a = row.attrs
    fields = {k: a[k] for k in EDITABLE_FIELDS if k in a and getattr(m, k) != a[k]}
    fields = {k: v for k, v in fields.items() if not (v in ("", None) and not getattr(m, k))}
    changed = bool(fields)
    if fields:
        services.member_update(member=m, actor=run.actor, **fields)
    if a["status"] == Status.TRANSFERRED_OUT and a["cell_id"] != m.cell_id:
        # The file knows the member left one of its cells; chibo knows where they went (a
        # subtree's export loaded back where it came from): nothing to change.
        return changed
    if a["cell_id"] != m.cell_id and a["status"] in IN_CELL_STATUSES:
        on = a.get("joined_cell_on")
        if on is None:
            run.error(
                sheet,
                row.number,
                "Sinh hoạt ở chi bộ từ ngày",
                _("Đảng viên chuyển chi bộ: cần ngày bắt đầu sinh hoạt ở chi bộ mới."),
            )
            return changed
        services.member_transfer(
            member=m, to_cell=Organization.objects.get(pk=a["cell_id"]), on=on, actor=run.actor
        )
        changed = True
    if a["status"] != m.status:
        services.member_change_status(
            member=Member.objects.get(pk=m.pk),
            status=a["status"],
            on=a["status_since"] or run.on,
            actor=run.actor,
            note=run.note,
        )
        changed = True
    return changed


def _default_memberships(run):
    """New members without a row in «Quá trình sinh hoạt» get one membership: from the day they
    joined the cell (else their admission) to the day they left it (a status that leaves)."""
    new = run.state.get("new_members", {})
    if not new:
        return
    having = set(
        Membership.objects.filter(member_id__in=list(new)).values_list("member_id", flat=True)
    )
    ships = []
    for pk, a in new.items():
        if pk in having:
            continue
        end = a.get("status_since") if a["status"] not in IN_CELL_STATUSES else None
        start = a.get("joined_cell_on") or a["admission_date"]
        if end is not None and end <= start:
            end = start + datetime.timedelta(days=1)
        ships.append(
            Membership(
                member_id=pk,
                cell_id=a["cell_id"],
                start=start,
                end=end,
                reason=Membership.Reason.IMPORTED,
            )
        )
    Membership.objects.bulk_create(ships, batch_size=2000)


def export_members(ctx):
    qs = Member.objects.filter(pk__in=list(ctx.member_ref)).order_by("sort_key", "id")
    joined = {}
    for member_id, start in Membership.objects.filter(
        member_id__in=list(ctx.member_ref), end__isnull=True
    ).values_list("member_id", "start"):
        joined[member_id] = start
    for m in qs.iterator(chunk_size=2000):
        row = {k: getattr(m, k) for k in EDITABLE_FIELDS}
        row.update(
            ref=ctx.member_ref[m.pk],
            status=m.status,
            status_since=m.status_since,
            cell=ctx.org(m.cell_id),
            joined_cell_on=joined.get(m.pk),
        )
        if m.pk in ctx.left:
            cell_id, left_on = ctx.left[m.pk]
            row.update(cell=ctx.org(cell_id), joined_cell_on=None)
            if left_on is not None and m.status in IN_CELL_STATUSES:
                row.update(status=Status.TRANSFERRED_OUT, status_since=left_on)
        yield row


def export_memberships(ctx):
    qs = Membership.objects.filter(
        member_id__in=list(ctx.member_ref), cell_id__in=list(ctx.org_code)
    )
    for s in qs.order_by("member_id", "start").iterator(chunk_size=5000):
        yield {
            "member": ctx.member(s.member_id),
            "cell": ctx.org(s.cell_id),
            "start": s.start,
            "end": s.end,
            "reason": s.reason,
            "note": s.note,
        }


def export_status_changes(ctx):
    qs = StatusChange.objects.filter(member_id__in=list(ctx.member_ref))
    for s in qs.order_by("member_id", "on", "id"):
        yield {
            "member": ctx.member(s.member_id),
            "status": s.status,
            "previous": s.previous,
            "on": s.on,
            "note": s.note,
        }


def export_theory_changes(ctx):
    qs = TheoryLevelChange.objects.filter(member_id__in=list(ctx.member_ref))
    for t in qs.order_by("member_id", "on", "id"):
        yield {
            "member": ctx.member(t.member_id),
            "previous": t.previous,
            "level": t.level,
            "on": t.on,
        }


# --- accounts -----------------------------------------------------------------------------------


def user_loader():
    return dict(User.objects.values_list("username", "pk"))


def apply_users(run, sheet, rows):
    """Accounts are created without a password (the admin sets one); existing ones are kept."""
    summary = run.summaries.setdefault(sheet.name, Summary())
    existing = user_loader()
    new = []
    seen = {}
    for row in rows:
        a = row.attrs
        name = a["username"]
        if name in seen:
            run.error(
                sheet, row.number, "Tên đăng nhập", _("Trùng với dòng %(n)s.") % {"n": seen[name]}
            )
            continue
        seen[name] = row.number
        member_pk = None
        if a.get("member"):
            member_pk = run.refs.get("member", a["member"])
            if member_pk is None:
                run.error(
                    sheet,
                    row.number,
                    "Số hiệu đảng viên",
                    _("Không có «%(code)s» (đảng viên) trong tệp hay trong dữ liệu.")
                    % {"code": a["member"]},
                )
                continue
        if name in existing:
            summary.unchanged += 1
            continue
        user = User(
            username=name,
            full_name=a.get("full_name") or "",
            email=a.get("email") or "",
            member_id=member_pk,
            is_active=a.get("is_active", True) if a.get("is_active") is not None else True,
        )
        user.set_unusable_password()
        new.append(user)
    if run.errors:
        run.placeholders("user", [u.username for u in new])
        return
    User.objects.bulk_create(new, batch_size=1000)
    for u in new:
        run.refs.add("user", u.username, u.pk)
        run.audit(AuditEvent.Action.CREATE, u, {})
    summary.created += len(new)


def export_users(ctx):
    qs = User.objects.filter(pk__in=list(ctx.username)).order_by("username")
    for u in qs:
        yield {
            "username": u.username,
            "full_name": u.full_name,
            "email": u.email,
            "member": ctx.member(u.member_id) if u.member_id else "",
            "is_active": u.is_active,
        }


def export_roles(ctx):
    qs = RoleAssignment.objects.filter(
        organization_id__in=list(ctx.org_code), user_id__in=list(ctx.username)
    )
    for r in qs.order_by("user_id", "valid_from", "id"):
        yield {
            "user": ctx.username[r.user_id],
            "role": r.role,
            "organization": ctx.org(r.organization_id),
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
            "note": r.note,
        }


# --- committees ---------------------------------------------------------------------------------


def term_loader():
    return {
        f"{org}:{name}": pk
        for pk, org, name in Term.objects.values_list("pk", "organization_id", "name")
    }


def term_ref(attrs, run):
    attrs["ref_code"] = f"{attrs['organization_id']}:{attrs['name']}"


def term_of_position(attrs, run):
    name = attrs.pop("term", "") or ""
    attrs["term_id"] = None
    if name:
        pk = run.refs.get("term", f"{attrs['organization_id']}:{name}")
        if pk is None:
            raise Invalid(_("Tổ chức chưa có nhiệm kỳ «%(t)s» (trang Nhiệm kỳ).") % {"t": name})
        attrs["term_id"] = pk


def holder_given(attrs, run):
    if not attrs.get("member_id") and not attrs.get("person_name"):
        raise Invalid(_("Cần số hiệu đảng viên hoặc họ tên người giữ chức danh."))


def export_terms(ctx):
    for t in Term.objects.filter(organization_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "organization": ctx.org(t.organization_id),
            "name": t.name,
            "start": t.start,
            "end": t.end,
            "congress_date": t.congress_date,
        }


def export_positions(ctx):
    qs = Position.objects.filter(organization_id__in=list(ctx.org_code)).select_related("term")
    for p in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "organization": ctx.org(p.organization_id),
            "term": p.term.name if p.term_id else "",
            "member": ctx.member(p.member_id),
            "title": p.title,
            "start": p.start,
            "end": p.end,
            "obtained": p.obtained,
            "decision": p.decision,
        }


def export_posts(ctx):
    qs = ConcurrentRole.objects.filter(village_id__in=list(ctx.village_code))
    for r in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "village": ctx.village_code[r.village_id],
            "kind": r.kind,
            "member": ctx.member(r.member_id) if r.member_id else "",
            # a holder who is a member outside the exported subtree: by name
            "person_name": r.person_name
            or ("" if ctx.member(r.member_id) else _member_name(r.member_id)),
            "start": r.start,
            "end": r.end,
        }


def _member_name(pk) -> str:
    return Member.objects.filter(pk=pk).values_list("full_name", flat=True).first() or ""


def export_commune_leaders(ctx):
    for c in CommuneLeader.objects.filter(commune_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "commune": ctx.org(c.commune_id),
            "post": c.post,
            "full_name": c.full_name,
            "member": ctx.member(c.member_id) if c.member_id else "",
            "is_local": c.is_local,
            "start": c.start,
            "end": c.end,
        }


def export_leadership_targets(ctx):
    qs = LeadershipTarget.objects.filter(organization_id__in=list(ctx.org_code)).order_by("id")
    for t in qs:
        yield {
            "organization": ctx.org(t.organization_id),
            "term_name": t.term_name,
            "start": t.start,
            "end": t.end,
            "nonlocal_target": t.nonlocal_target,
        }


def export_commune_officials(ctx):
    for c in CommuneOfficial.objects.filter(commune_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "commune": ctx.org(c.commune_id),
            "full_name": c.full_name,
            "member": ctx.member(c.member_id) if c.member_id else "",
            "post": c.post,
            "meets_standard": c.meets_standard,
            "reason": c.reason,
            "assessed_on": c.assessed_on,
            "start": c.start,
            "end": c.end,
        }


def export_succession(ctx):
    for s in SuccessionPlan.objects.filter(organization_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "organization": ctx.org(s.organization_id),
            "term_name": s.term_name,
            "title": s.title,
            "member": ctx.member(s.member_id),
            "approved_on": s.approved_on,
            "removed_on": s.removed_on,
            "note": s.note,
        }


def export_role_models(ctx):
    for m in RoleModel.objects.filter(commune_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "ref_code": f"MH{m.pk}",
            "name": m.name,
            "commune": ctx.org(m.commune_id),
            "effective_from": m.effective_from,
            "effective_to": m.effective_to,
        }


def export_role_model_rules(ctx):
    qs = RoleModelRule.objects.filter(role_model__commune_id__in=list(ctx.org_code))
    for r in qs.order_by("id"):
        yield {
            "role_model": f"MH{r.role_model_id}",
            "title": r.title,
            "kind": r.kind,
            "paired_kind": r.paired_kind,
        }


def meeting_rule_defaults(attrs, run):
    """The model's defaults for the columns a row leaves blank."""
    for name in (
        "on_sunday",
        "on_holiday",
        "overdue_after_days",
        "min_minutes",
        "min_minutes_thematic",
        "materials_days_ahead",
    ):
        if attrs.get(name) in (None, ""):
            attrs[name] = MeetingRule._meta.get_field(name).get_default()
    if not 1 <= attrs["day"] <= 28:
        raise Invalid(_("Ngày sinh hoạt phải từ 1 đến 28."))


def export_meeting_rules(ctx):
    qs = MeetingRule.objects.filter(organization_id__in=list(ctx.org_code))
    for r in qs.order_by("id"):
        yield {
            "organization": ctx.org(r.organization_id),
            "cell_type": r.cell_type,
            "effective_from": r.effective_from,
            "day": r.day,
            "on_sunday": r.on_sunday,
            "on_holiday": r.on_holiday,
            "overdue_after_days": r.overdue_after_days,
            "min_minutes": r.min_minutes,
            "min_minutes_thematic": r.min_minutes_thematic,
            "materials_days_ahead": r.materials_days_ahead,
            "source": r.source,
        }


# --- training -----------------------------------------------------------------------------------


def export_courses(ctx):
    for c in TrainingCourse.objects.filter(organizer_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "ref_code": f"L{c.pk}",
            "kind": c.kind,
            "title": c.title,
            "organizer": ctx.org(c.organizer_id),
            "start": c.start,
            "end": c.end,
            "place": c.place,
        }


def export_enrollments(ctx):
    qs = Enrollment.objects.filter(course__organizer_id__in=list(ctx.org_code))
    for e in qs.order_by("id").iterator(chunk_size=5000):
        if e.member_id not in ctx.member_ref:
            continue
        yield {
            "course": f"L{e.course_id}",
            "member": ctx.member(e.member_id),
            "status": e.status,
            "certificate": e.certificate,
            "completed_on": e.completed_on,
        }


def export_contests(ctx):
    for c in Contest.objects.filter(organizer_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "ref_code": f"HT{c.pk}",
            "name": c.name,
            "organizer": ctx.org(c.organizer_id),
            "year": c.year,
            "max_score": c.max_score,
        }


def export_rounds(ctx):
    qs = ContestRound.objects.filter(contest__organizer_id__in=list(ctx.org_code))
    for r in qs.order_by("id"):
        yield {
            "ref_code": f"VT{r.pk}",
            "contest": f"HT{r.contest_id}",
            "level": r.level,
            "held_on": r.held_on,
            "organizer": ctx.org(r.organizer_id),
        }


def export_contestants(ctx):
    qs = Contestant.objects.filter(round__contest__organizer_id__in=list(ctx.org_code))
    for c in qs.order_by("id"):
        if c.member_id not in ctx.member_ref or c.cell_id not in ctx.org_code:
            continue
        yield {
            "round": f"VT{c.round_id}",
            "cell": ctx.org(c.cell_id),
            "member": ctx.member(c.member_id),
            "score": c.score,
            "prize": c.prize,
        }


# --- officials and support ----------------------------------------------------------------------


def export_follow(ctx):
    for f in FollowAssignment.objects.filter(cell_id__in=list(ctx.org_code)).order_by("id"):
        yield {
            "official": ctx.username.get(f.official_id, ""),
            "cell": ctx.org(f.cell_id),
            "kind": f.kind,
            "start": f.start,
            "end": f.end,
            "decision": f.decision,
        }


def export_support(ctx):
    qs = SupportAssignment.objects.filter(village_id__in=list(ctx.village_code))
    for s in qs.order_by("id"):
        if s.helper_id not in ctx.org_code:
            continue
        yield {
            "ref_code": f"GD{s.pk}",
            "village": ctx.village_code[s.village_id],
            "helper": ctx.org(s.helper_id),
            "start": s.start,
            "end": s.end,
            "decision": s.decision,
        }


def export_support_visits(ctx):
    qs = SupportVisit.objects.filter(
        assignment__village_id__in=list(ctx.village_code),
        assignment__helper_id__in=list(ctx.org_code),
    )
    for v in qs.order_by("id"):
        yield {
            "assignment": f"GD{v.assignment_id}",
            "on": v.on,
            "visitors": v.visitors,
            "activities": v.activities,
        }


# --- targets and meetings -----------------------------------------------------------------------


def export_targets(ctx):
    qs = Target.objects.filter(cell_id__in=list(ctx.org_code), withdrawn_at__isnull=True)
    for t in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "ref_code": f"CT{t.pk}",
            "cell": ctx.org(t.cell_id),
            "year": t.year,
            "name": t.name,
            "unit": t.unit,
            "yearly_value": t.yearly_value,
            "measure": t.measure,
            "order": t.order,
        }


def export_target_progress(ctx):
    qs = TargetProgress.objects.filter(
        target__cell_id__in=list(ctx.org_code), target__withdrawn_at__isnull=True
    )
    for p in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "target": f"CT{p.target_id}",
            "month": p.month,
            "value": p.value,
            "meeting": f"SH{p.meeting_id}" if p.meeting_id else "",
            "note": p.note,
        }


def meeting_prepare(attrs, run):
    attrs["month"] = attrs["scheduled_date"].replace(day=1)
    attrs["topic"] = attrs.get("topic") or ""
    for name in ("summoned", "present", "absent_excused", "absent_unexcused"):
        if attrs.get(name) is None:
            attrs[name] = 0


def score_sheet_loader():
    from chibo.meetings.models import ScoreSheet

    return dict(ScoreSheet.objects.values_list("name", "pk"))


def export_meetings(ctx):
    from chibo.meetings.models import ScoreSheet

    sheets = dict(ScoreSheet.objects.values_list("pk", "name"))
    qs = CellMeeting.objects.filter(cell_id__in=list(ctx.org_code))
    for m in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "ref_code": f"SH{m.pk}",
            "cell": ctx.org(m.cell_id),
            "kind": m.kind,
            "topic": m.topic,
            "scheduled_date": m.scheduled_date,
            "held_on": m.held_on,
            "start_time": m.start_time,
            "end_time": m.end_time,
            "place": m.place,
            "status": m.status,
            "chair": ctx.member(m.chair_id) if m.chair_id else "",
            "minute_taker": ctx.member(m.minute_taker_id) if m.minute_taker_id else "",
            "summary": m.summary,
            "conclusions": m.conclusions,
            "resolution": m.resolution,
            "score_sheet": sheets.get(m.score_sheet_id, ""),
            "quality_points": m.quality_points,
            "quality_class": m.quality_class,
            "summoned": m.summoned,
            "present": m.present,
            "absent_excused": m.absent_excused,
            "absent_unexcused": m.absent_unexcused,
            "review_comment": m.review_comment,
        }


def export_attendance(ctx):
    qs = Attendance.objects.filter(meeting__cell_id__in=list(ctx.org_code))
    for a in (
        qs.order_by("id")
        .values_list("meeting_id", "member_id", "summoned", "presence", "reason")
        .iterator(chunk_size=10000)
    ):
        yield {
            "meeting": f"SH{a[0]}",
            "member": ctx.member_ref.get(a[1], ""),
            "summoned": a[2],
            "presence": a[3],
            "reason": a[4],
        }


def export_guests(ctx):
    qs = Guest.objects.filter(meeting__cell_id__in=list(ctx.org_code))
    for g in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "meeting": f"SH{g.meeting_id}",
            "kind": g.kind,
            "user": ctx.username.get(g.user_id, "") if g.user_id else "",
            "name": g.name,
            "organization": g.organization,
            "guidance": g.guidance,
        }


def task_prepare(attrs, run):
    meeting_cells = run.state.get("meeting_cells")
    if meeting_cells is None:
        meeting_cells = run.state["meeting_cells"] = dict(
            CellMeeting.objects.values_list("pk", "cell_id")
        )
    attrs["cell_id"] = meeting_cells.get(attrs["meeting_id"])
    if attrs["owner_kind"] == Task.Owner.MEMBER and not attrs.get("owner_member_id"):
        raise Invalid(_("Nhiệm vụ giao cho đảng viên: cần số hiệu đảng viên."))


def export_tasks(ctx):
    qs = Task.objects.filter(cell_id__in=list(ctx.org_code))
    for t in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "meeting": f"SH{t.meeting_id}",
            "title": t.title,
            "owner_kind": t.owner_kind,
            "owner_member": ctx.member(t.owner_member_id) if t.owner_member_id else "",
            "owner_name": t.owner_name,
            "deadline": t.deadline,
            "target": f"CT{t.target_id}" if t.target_id else "",
            "state": t.state,
            "reviewed_at": f"SH{t.reviewed_at_id}" if t.reviewed_at_id else "",
            "review_note": t.review_note,
            "progress": t.progress,
        }


def score_item(attrs, run):
    items = run.state.get("score_items")
    if items is None:
        items = run.state["score_items"] = {
            (sheet_id, code): pk
            for pk, sheet_id, code in ScoreItem.objects.values_list("pk", "sheet_id", "code")
        }
        run.state["meeting_sheet"] = dict(
            CellMeeting.objects.filter(score_sheet__isnull=False).values_list(
                "pk", "score_sheet_id"
            )
        )
    sheet_id = run.state["meeting_sheet"].get(attrs["meeting_id"])
    code = attrs.pop("item")
    pk = items.get((sheet_id, code))
    if pk is None:
        raise Invalid(
            _("Cuộc sinh hoạt không có bảng chấm điểm, hoặc bảng không có tiêu chí «%(c)s».")
            % {"c": code}
        )
    attrs["item_id"] = pk


def export_scores(ctx):
    codes = dict(ScoreItem.objects.values_list("pk", "code"))
    qs = ScoreEntry.objects.filter(meeting__cell_id__in=list(ctx.org_code))
    for meeting_id, item_id, points in (
        qs.order_by("id").values_list("meeting_id", "item_id", "points").iterator(chunk_size=10000)
    ):
        yield {"meeting": f"SH{meeting_id}", "item": codes[item_id], "points": points}


LOADERS = {
    "org": lambda: dict(Organization.objects.values_list("code", "pk")),
    "commune": lambda: dict(Commune.objects.values_list("code", "pk")),
    "village": lambda: dict(Village.objects.values_list("code", "pk")),
    "member": member_loader,
    "user": user_loader,
    "term": term_loader,
    "score_sheet": score_sheet_loader,
}
