"""The REST API (OpenAPI 3) under /api/v1/: schema at openapi.json, Swagger UI at docs."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from . import members, organizations, tokens
from .docs import LocalSwagger
from .security import BearerAuth

DESCRIPTION = """\
Read access to the organization tree and the member list of chibo.

**Authentication.** `POST /api/v1/auth/token` with `{"username", "password"}` (org-board
admins add `"otp"`, a 6-digit TOTP code) answers `{"token", "expires_at"}`. Send
`Authorization: Bearer <token>` with every other request. Tokens last 12 hours; an unknown,
expired or revoked token answers 401. Repeated failed sign-ins lock the username out from
the address for a while (429).

**Scope.** Every answer is limited to the organizations under the nodes where the user
holds a role; a member sees only their own record. Anything outside the scope answers 404,
the same as a missing object.

**Pagination.** Lists take `page` (from 1) and `page_size` (1 to 200, default 50) and
answer `{"items", "count", "page", "page_size"}`.

**Errors.** `{"detail": "message"}`; invalid parameters answer 422 with
`{"detail": [{"type", "loc", "msg"}, ...]}`.
"""

api = NinjaAPI(
    title="chibo API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerAuth(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request, {"detail": _("Cần mã truy cập hợp lệ (Authorization: Bearer …).")}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


api.add_router("/auth", tokens.router)
api.add_router("/organizations", organizations.router)
api.add_router("/members", members.router)
