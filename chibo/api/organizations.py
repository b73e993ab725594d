"""GET /organizations and /organizations/{id}: the part of the tree the user's roles cover."""

import datetime
from collections.abc import Sequence

from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from chibo.core.vn import fold
from chibo.members.models import Member
from chibo.organizations.models import Organization

from .schemas import MAX_ID, TEXT_MAX, TEXT_PATTERN, Pagination, responses
from .security import scope_of

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    kind: Organization.Kind
    cell_type: str
    grassroots_type: str
    parent_id: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None


class OrganizationDetailOut(OrganizationOut):
    member_count: int


class NameMatches(Sequence):
    """The organizations of `qs` whose name holds every folded word, in the order of `qs`.

    Names are folded in Python (no accent-insensitive index exists on every database):
    one query reads ids and names, and a page slice loads only that page's rows.
    """

    def __init__(self, qs, words: list[str]):
        self.qs = qs
        self.ids = [
            pk for pk, name in qs.values_list("pk", "name") if all(w in fold(name) for w in words)
        ]

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        rows = self.qs.in_bulk(ids)
        return [rows[pk] for pk in ids]


@router.get(
    "",
    response=responses(list[OrganizationOut], 401, 422),
    summary="List organizations",
    description=(
        "Organizations under the nodes where the user holds a role, in tree order. "
        "Filters narrow that list: `parent` (direct children of an organization), `kind`, "
        "`active` (true: still in force; false: dissolved or merged) and `q` (every word "
        "in the name, accents and case ignored). Paginated."
    ),
)
@paginate(Pagination)
def organization_list(
    request,
    parent: int | None = Query(None, ge=1, le=MAX_ID, description="Parent organization id."),
    kind: Organization.Kind | None = None,
    active: bool | None = Query(None, description="Only current (true) or only ended (false)."),
    q: str | None = Query(None, max_length=TEXT_MAX, pattern=TEXT_PATTERN),
):
    qs = scope_of(request).organizations()
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(valid_to__isnull=active)
    qs = qs.order_by("path")
    words = fold(q or "").split()
    if words:
        return NameMatches(qs, words)
    return qs


@router.get(
    "/{org_id}",
    response=responses(OrganizationDetailOut, 401, 404, 422),
    summary="One organization",
    description=(
        "An organization with `member_count`, the members in its subtree who still belong "
        "to a cell (active or exempt). Outside the user's scope it answers 404, as if missing."
    ),
)
def organization_detail(request, org_id: int = Path(..., ge=1, le=MAX_ID)):
    org = scope_of(request).org_or_404(org_id)
    org.member_count = Member.objects.in_cell().under(org).count()
    return org
