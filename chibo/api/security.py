"""Bearer authentication for every operation except the token issue."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from chibo.accounts.models import ApiToken
from chibo.accounts.scope import Scope

from .services import hash_token

# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 128


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a known, unexpired, unrevoked token of an active user;
    with `write`, a token issued with the write scope (a read token: 403, before the body is
    read, so that a read token learns that first)."""

    def __init__(self, *, write: bool = False):
        super().__init__()
        self.write = write

    def authenticate(self, request, token):
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked=False, expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        # Views, resolvers and Django code that reads request.user see the token's user.
        request.user = row.user
        request.api_token_scope = row.scope
        if self.write:
            require_write_token(request)
        return row.user


def require_write_token(request):
    """403 unless the request's token was issued with the write scope."""
    if getattr(request, "api_token_scope", None) != ApiToken.Access.WRITE:
        raise HttpError(
            403,
            _(
                "Mã truy cập này chỉ được đọc. Hãy xin mã ghi: POST /api/v1/auth/token "
                'với "scope": "write".'
            ),
        )


# The auth of every write operation.
WRITE_AUTH = BearerAuth(write=True)


def scope_of(request) -> Scope:
    """The Scope of the authenticated user, computed once per request: a list's resolvers ask
    for it on every item (Scope.for_user works out today's date each time)."""
    scope = getattr(request, "_chibo_scope", None)
    if scope is None:
        scope = request._chibo_scope = Scope.for_user(request.auth)
    return scope
