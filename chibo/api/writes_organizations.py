"""POST /organizations/{id}/children and /organizations/{id}/rename, as the structure pages
(chibo.organizations.views: create_child, rename) do them: org-board admins only, in their
write scope (404 elsewhere, and for everyone else), the page's form, the page's service."""

from django.http import Http404
from ninja import Path
from pydantic import BaseModel, Field

from chibo.core.web import admin_or_404
from chibo.organizations import services
from chibo.organizations.forms import ChildForm, RenameForm
from chibo.organizations.models import Organization

from .organizations import OrganizationOut, router
from .schemas import MAX_ID, TEXT_PATTERN, responses
from .security import scope_of
from .writes import IDEMPOTENCY_HEADER, WRITE_AUTH, VNDate, bound, cleaned, write

WRITE_ERRORS = (401, 403, 404, 422)


class ChildIn(BaseModel):
    code: str = Field(
        max_length=30, description="Unique; letters without accents, digits, `.`, `_`, `-`."
    )
    name: str = Field(max_length=200, pattern=TEXT_PATTERN)
    kind: str = Field(
        max_length=30,
        description=(
            "Under a province or district committee: `grassroots`, or `grassroots_cell` (a "
            "grassroots cell, chi bộ cơ sở, of an agency, school or health centre); under a "
            "grassroots organization: `cell`."
        ),
    )
    grassroots_type: Organization.GrassrootsType | None = Field(
        None, description="Required for a grassroots organization."
    )
    cell_type: Organization.CellType | None = Field(None, description="Required for a cell.")
    valid_from: str = VNDate("Founded on.")


class RenameIn(BaseModel):
    name: str = Field(max_length=200, pattern=TEXT_PATTERN)
    on: str = VNDate("The first day of the new name; the old one stays in the history.")
    decision: str = Field("", max_length=100, pattern=TEXT_PATTERN)


def _admin_org_or_404(request, org_id):
    # As organizations.views._admin_org_or_404: the write scope, and the org board.
    return admin_or_404(scope_of(request)).org_or_404(org_id, write=True)


@router.post(
    "/{org_id}/children",
    auth=WRITE_AUTH,
    response=responses(OrganizationOut, *WRITE_ERRORS, status=201),
    summary="Found a child organization",
    description=(
        "A grassroots organization or a cell under `org_id`, founded on `valid_from`, with "
        "the checks of the page (unique code, kind below the parent's). Org-board admins "
        "only, with a write token; elsewhere, and under a cell, 404."
    ),
)
def organization_create(
    request,
    data: ChildIn,
    org_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        parent = _admin_org_or_404(request, org_id)
        if parent.is_cell:
            raise Http404
        fields = cleaned(bound(ChildForm, data, parent=parent))
        return services.org_create(
            code=fields["code"],
            name=fields["name"],
            kind=fields["kind"],
            parent=parent,
            valid_from=fields["valid_from"],
            actor=request.user,
            cell_type=fields["cell_type"],
            grassroots_type=fields["grassroots_type"],
        )

    return write(
        request,
        action,
        out=OrganizationOut,
        key=idempotency_key,
        status=201,
        fields=ChildIn.model_fields,
    )


@router.post(
    "/{org_id}/rename",
    auth=WRITE_AUTH,
    response=responses(OrganizationOut, *WRITE_ERRORS),
    summary="Rename an organization",
    description=(
        "The new name from `on`; the name before `on` stays in the organization's history "
        "(figures as of an earlier date keep it). Org-board admins only, with a write token; "
        "elsewhere 404."
    ),
)
def organization_rename(
    request,
    data: RenameIn,
    org_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str | None = IDEMPOTENCY_HEADER,
):
    def action():
        org = _admin_org_or_404(request, org_id)
        return services.org_rename(org=org, actor=request.user, **cleaned(bound(RenameForm, data)))

    return write(
        request, action, out=OrganizationOut, key=idempotency_key, fields=RenameIn.model_fields
    )
