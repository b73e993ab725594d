"""GET /organizations and /organizations/{id}: the part of the tree the user's roles cover."""

import datetime

from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from chibo.core.vn import fold
from chibo.core.web import LazyRows
from chibo.members import indicators
from chibo.members.counts import counted_under
from chibo.organizations.models import Organization, subtree_q

from .as_of import periods_open_on, set_names_and_parents
from .schemas import AS_OF, MAX_ID, TEXT_MAX, TEXT_PATTERN, Pagination, as_of_date, responses
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


def name_matches(qs, words: list[str]) -> LazyRows:
    """The organizations of `qs` whose name holds every folded word, in the order of `qs`.

    Names are folded in Python (no accent-insensitive index exists on every database):
    one query reads ids and names, and a page slice loads only that page's rows.
    """
    ids = [pk for pk, name in qs.values_list("pk", "name") if all(w in fold(name) for w in words)]

    def rows(page_ids):
        found = qs.in_bulk(page_ids)
        return [found[pk] for pk in page_ids]

    return LazyRows(ids, rows)


@router.get(
    "",
    response=responses(list[OrganizationOut], 401, 404, 422),
    summary="List organizations",
    description=(
        "Organizations under the nodes where the user holds a role, in tree order. "
        "Filters narrow that list: `parent` (direct children of an organization; 404 outside "
        "the user's scope, as if missing), `kind`, "
        "`active` (true: still in force; false: dissolved or merged) and `q` (every word "
        "in the name, accents and case ignored). Paginated. With `as_of`, the tree of that "
        "day: `name` and `parent_id` are that day's, `parent` filters on that day's parent, "
        "`active` on whether the organization was in force that day; `q` matches today's "
        "names."
    ),
)
@paginate(Pagination)
def organization_list(
    request,
    parent: int | None = Query(None, ge=1, le=MAX_ID, description="Parent organization id."),
    kind: Organization.Kind | None = None,
    active: bool | None = Query(None, description="Only current (true) or only ended (false)."),
    q: str | None = Query(None, max_length=TEXT_MAX, pattern=TEXT_PATTERN),
    as_of: str | None = AS_OF,
):
    scope = scope_of(request)
    when = as_of_date(as_of, scope.on) if as_of else None
    qs = scope.organizations()
    if parent is not None:
        scope.org_or_404(parent)  # an outside id answers as a missing one, never an empty list
    if when is None:
        if parent is not None:
            qs = qs.filter(parent_id=parent)
        if active is not None:
            qs = qs.filter(valid_to__isnull=active)
    else:
        if parent is not None:
            then = periods_open_on(when).filter(parent_id=parent)
            qs = qs.filter(pk__in=then.values("organization_id"))
        if active is not None:
            in_force = Organization.objects.active(when).values("pk")
            qs = qs.filter(pk__in=in_force) if active else qs.exclude(pk__in=in_force)
        request.api_after_page = lambda orgs: set_names_and_parents(orgs, when)
    if kind is not None:
        qs = qs.filter(kind=kind)
    qs = qs.order_by("path")
    words = fold(q or "").split()
    if words:
        return name_matches(qs, words)
    return qs


@router.get(
    "/{org_id}",
    response=responses(OrganizationDetailOut, 401, 404, 422),
    summary="One organization",
    description=(
        "An organization with `member_count`, the members in its subtree who still belong "
        "to a cell (active or exempt). Outside the user's scope it answers 404, as if missing. "
        "With `as_of`, `name` and `parent_id` are that day's and `member_count` counts the "
        "members whose cell membership was open that day in a cell under it then (the "
        "`members` indicator of the organization page)."
    ),
)
def organization_detail(
    request, org_id: int = Path(..., ge=1, le=MAX_ID), as_of: str | None = AS_OF
):
    scope = scope_of(request)
    when = as_of_date(as_of, scope.on) if as_of else None
    org = scope.org_or_404(org_id)
    if when is None:
        # From the members-per-cell counters (chibo.members.counts): a province's 90.000
        # members are not counted on every call.
        org.member_count = counted_under(subtree_q(org.path, "cell__path"))
    else:
        org.member_count = indicators.members(org, when).value
        set_names_and_parents([org], when)
    return org
