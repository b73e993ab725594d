"""The organization tree in the workbook: organizations created parents first with their
paths, their periods (name and parent over time, paths on every date), events; communes and
villages on export; the dated links village → serving cell, village → the commune it lay in
and commune → the commune committee that led it."""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from chibo.admissions.models import CandidateCell
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.organizations.models import (
    Commune,
    CommuneCommitteeLink,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
    VillageCellLink,
    VillageCommuneLink,
    path_segment,
)
from chibo.organizations.services import KIND_RANK

from .context import code_of
from .engine import Problem, Row, Summary
from .spec import Invalid

PERIODS_SHEET = "Lịch sử tổ chức"  # (schema.PERIODS.name: schema imports this module)

K = Organization.Kind


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
    code_of_pk = {o.pk: code for code, o in existing.items()}
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
        elif a["kind"] == K.CELL and code not in existing:
            # (a blank parent on a cell chibo has: the root of the cell's own export)
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
        old_parent = code_of_pk.get(old.parent_id, "")
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
                        PERIODS_SHEET,
                        0,
                        "Mã cấp trên",
                        _(
                            "Tổ chức «%(c)s» từ ngày %(d)s thuộc «%(p)s», nhưng «%(p)s» chưa có "
                            "hiệu lực vào ngày đó."
                        )
                        % {"c": code, "d": day_text(f), "p": parent},
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
    # The sheet's figure is its own rows'; the periods made for the new organizations it does not
    # list (one each, from «Tổ chức») are counted apart: 10 rows read «Sẽ thêm 18» otherwise.
    given = run.state.get("periods", {})
    from_rows = sum(len(given.get(code, ())) for code in spans)
    run.summaries.setdefault(PERIODS_SHEET, Summary()).created += from_rows
    if len(periods) > from_rows:
        made = run.summaries.setdefault(
            _("%(s)s (lập từ «Tổ chức»)") % {"s": PERIODS_SHEET}, Summary()
        )
        made.created += len(periods) - from_rows
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


def _exported_communes(ctx):
    """The communes the exported villages lay in on any day and those an exported committee led
    on any day."""
    if ctx.root is None:
        return Commune.objects.all()
    villages = VillageCommuneLink.objects.filter(village_id__in=list(ctx.village_code)).values(
        "commune_id"
    )
    led = CommuneCommitteeLink.objects.filter(committee_id__in=list(ctx.org_code))
    return Commune.objects.filter(Q(pk__in=villages) | Q(pk__in=led.values("commune_id")))


def export_communes(ctx):
    for c in _exported_communes(ctx).order_by("code"):
        yield {
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
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


def _apply_links(run, sheet, rows, model, owner: str, target: str, mirror: str, clash_message):
    """Dated links owner → target ([start, end), one target a day per owner), created where the
    database lacks them; the owner's field `mirror` follows its open link."""
    summary = run.summaries.setdefault(sheet.name, Summary())
    owner_id, target_id = f"{owner}_id", f"{target}_id"
    existing = defaultdict(list)
    for oid, tid, start, end in model.objects.values_list(owner_id, target_id, "start", "end"):
        existing[oid].append((start, end, tid, None))
    new = []
    for row in rows:
        if not run.resolve(sheet, row):
            continue
        a = row.attrs
        if a.get("end") and a["end"] <= a["start"]:
            run.error(sheet, row.number, "Đến ngày", _("Phải sau ngày bắt đầu."))
            continue
        spans = existing[a[owner_id]]
        same = [s for s in spans if s[0] == a["start"] and s[2] == a[target_id]]
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
            run.error(sheet, row.number, "Từ ngày", clash_message % {"w": where})
            continue
        spans.append((a["start"], a.get("end"), a[target_id], row.number))
        new.append(model(**a))
    if run.errors:
        return
    model.objects.bulk_create(new, batch_size=2000)
    summary.created += len(new)
    open_target = {getattr(x, owner_id): getattr(x, target_id) for x in new if x.end is None}
    owner_model = model._meta.get_field(owner).related_model
    owners = list(owner_model.objects.filter(pk__in=list(open_target)))
    for o in owners:
        setattr(o, f"{mirror}_id", open_target[o.pk])
    owner_model.objects.bulk_update(owners, [mirror], batch_size=1000)


def apply_village_links(run, sheet, rows):
    """Dated links village → serving cell; one cell a day per village; Village.cell follows the
    open link."""
    _apply_links(
        run,
        sheet,
        rows,
        VillageCellLink,
        "village",
        "cell",
        "cell",
        _("Thôn đã do một chi bộ khác phục vụ trong khoảng này (%(w)s)."),
    )


def apply_commune_links(run, sheet, rows):
    """Dated links commune → the commune committee that led it; one committee a day per
    commune; Commune.party_committee follows the open link."""
    _apply_links(
        run,
        sheet,
        rows,
        CommuneCommitteeLink,
        "commune",
        "committee",
        "party_committee",
        _("Xã đã do một đảng bộ khác lãnh đạo trong khoảng này (%(w)s)."),
    )


def apply_candidate_cells(run, sheet, rows):
    """Dated links candidate → their cell; one cell a day per candidate; Candidate.cell follows
    the open link. A candidate the file creates without a row here belongs to their cell from
    the day they were listed (hooks.candidate_cells_default)."""
    _apply_links(
        run,
        sheet,
        rows,
        CandidateCell,
        "candidate",
        "cell",
        "cell",
        _("Quần chúng đã thuộc một chi bộ khác trong khoảng này (%(w)s)."),
    )


def export_candidate_cells(ctx):
    """The dated cells of the candidates the file carries (those of its cells now), in the
    file's cells."""
    qs = CandidateCell.objects.filter(candidate__cell_id__in=list(ctx.org_code))
    for link in qs.order_by("candidate_id", "start"):
        if link.cell_id not in ctx.org_code:
            continue
        yield {
            "candidate": code_of(ctx, "candidate", link.candidate_id),
            "cell": ctx.org(link.cell_id),
            "start": link.start,
            "end": link.end,
        }


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


def village_commune_unchanged(attrs, run):
    """A village already in chibo keeps its commune: it moves on a day, through the communes'
    merger (the file's «Xã của thôn, bản» adds the days it lacks). New villages without a row
    there lie in their commune from their first day (_default_village_communes)."""
    if not run.state.get("village_communes_default"):
        run.state["village_communes_default"] = True
        run.finalizers.append(_default_village_communes)
    communes = run.state.get("village_communes")
    if communes is None:
        communes = run.state["village_communes"] = dict(
            Village.objects.values_list("code", "commune_id")
        )
    was = communes.get(attrs.get("code"))
    if was is not None and attrs.get("commune_id") not in (was, None):
        raise Invalid(
            _(
                "Thôn, bản đã thuộc một xã khác trong chibo: xã của thôn đổi theo ngày, khi các "
                "xã sáp nhập (trang «Xã của thôn, bản» chỉ thêm các khoảng còn thiếu)."
            )
        )


def _default_village_communes(run):
    """Villages without any dated link to a commune (created by the file, no row in «Xã của
    thôn, bản») lie in their commune over their whole validity."""
    lacking = Village.objects.exclude(
        pk__in=VillageCommuneLink.objects.values("village_id")
    ).values_list("pk", "commune_id", "valid_from", "valid_to")
    VillageCommuneLink.objects.bulk_create(
        [
            VillageCommuneLink(village_id=pk, commune_id=commune, start=start, end=end)
            for pk, commune, start, end in lacking
        ],
        batch_size=2000,
    )


def apply_village_communes(run, sheet, rows):
    """Dated links village → the commune it lay in; one commune a day per village;
    Village.commune follows the open link."""
    _apply_links(
        run,
        sheet,
        rows,
        VillageCommuneLink,
        "village",
        "commune",
        "commune",
        _("Thôn đã thuộc một xã khác trong khoảng này (%(w)s)."),
    )


def export_village_communes(ctx):
    qs = VillageCommuneLink.objects.filter(village_id__in=list(ctx.village_code))
    for link in qs.select_related("commune").order_by("village__code", "start"):
        yield {
            "village": ctx.village_code[link.village_id],
            "commune": link.commune.code,
            "start": link.start,
            "end": link.end,
        }


def export_commune_links(ctx):
    qs = CommuneCommitteeLink.objects.filter(commune_id__in=_exported_communes(ctx).values("pk"))
    for link in qs.select_related("commune").order_by("commune__code", "start"):
        if link.committee_id not in ctx.org_code:
            continue
        yield {
            "commune": link.commune.code,
            "committee": ctx.org(link.committee_id),
            "start": link.start,
            "end": link.end,
        }
