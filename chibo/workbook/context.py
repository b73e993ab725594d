"""What an export needs: the subtree, the codes of its rows by id, and the generic way a
sheet's rows are read from a queryset (codes instead of ids)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from chibo.accounts.models import User
from chibo.meetings.models import ScoreSheet
from chibo.members.models import Member, Membership
from chibo.organizations.models import (
    Commune,
    Organization,
    Village,
    subtree_q,
)


@dataclass
class ExportContext:
    """What every sheet's export needs: the root's subtree and the codes of rows by id."""

    root: Organization | None  # None: everything
    org_code: dict = field(default_factory=dict)
    member_ref: dict = field(default_factory=dict)
    village_code: dict = field(default_factory=dict)
    username: dict = field(default_factory=dict)
    commune_code: dict = field(default_factory=dict)
    score_sheet_name: dict = field(default_factory=dict)
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
            Q(commune_links__commune__committee_links__committee_id__in=list(ctx.org_code))
            | Q(cell_links__cell_id__in=list(ctx.org_code))
        ).distinct()
    ctx.village_code = dict(villages.values_list("pk", "code"))
    users = User.objects.filter(
        Q(roles__organization_id__in=list(ctx.org_code))
        | Q(follow_assignments__cell_id__in=list(ctx.org_code))
    ).distinct()
    ctx.username = dict(users.values_list("pk", "username"))
    ctx.commune_code = dict(Commune.objects.values_list("pk", "code"))
    ctx.score_sheet_name = dict(ScoreSheet.objects.values_list("pk", "name"))
    return ctx


# File-local codes of the rows that have no code of their own: a letter prefix and the id.
PREFIX = {
    "course": "L",
    "contest": "HT",
    "round": "VT",
    "support": "GD",
    "target": "CT",
    "meeting": "SH",
    "role_model": "MH",
    "candidate": "UT",
    "congress_plan": "KH",
    "congress": "DH",
    "regulation": "QC",
    "criteria_set": "BTC",
    "village_plan": "KB",
}


def code_of(ctx: ExportContext, namespace: str, pk) -> str:
    """The code a sheet writes for the row `pk` of `namespace` ("" outside the export)."""
    if pk is None:
        return ""
    if namespace in PREFIX:
        return f"{PREFIX[namespace]}{pk}"
    return code_of_map(ctx, namespace).get(pk, "")


def code_of_map(ctx: ExportContext, namespace: str) -> dict:
    """{id: code} of a namespace whose rows have codes of their own."""
    return {
        "org": ctx.org_code,
        "member": ctx.member_ref,
        "village": ctx.village_code,
        "user": ctx.username,
        "commune": ctx.commune_code,
        "score_sheet": ctx.score_sheet_name,
    }[namespace]


def rows_from(sheet, ctx: ExportContext, queryset):
    """The rows of `queryset` for `sheet`, as lists of its columns' values (codes for its ref
    columns). A row whose required code falls outside the export (a member of another subtree)
    is left out."""
    prefix = PREFIX.get(sheet.provides) if sheet.ref_attr == "ref_code" else None
    names, refs, code_at = [], [], None
    for i, c in enumerate(sheet.columns):
        if c.kind == "ref":
            # Each ref column's codes found once: a file-local prefix, or the codes by id.
            ref_prefix = PREFIX.get(c.ref)
            codes = None if ref_prefix else code_of_map(ctx, c.ref)
            refs.append((i, ref_prefix, codes, c.required))
            names.append(f"{c.attr}_id")
        elif c.attr == "ref_code":
            code_at = i
            names.append("pk")
        else:
            names.append(c.attr)
    for values in queryset.values_list(*names).iterator(chunk_size=5000):
        row = list(values)
        for i, ref_prefix, codes, required in refs:
            pk = row[i]
            if pk is None:
                code = ""
            elif ref_prefix:
                code = f"{ref_prefix}{pk}"
            else:
                code = codes.get(pk, "")
            if required and not code:
                break
            row[i] = code
        else:
            if code_at is not None:
                row[code_at] = f"{prefix}{row[code_at]}" if prefix else None
            yield row
