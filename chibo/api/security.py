"""Bearer authentication for every operation except the token issue."""

from django.utils import timezone
from ninja.security import HttpBearer

from chibo.accounts.models import ApiToken
from chibo.accounts.scope import Scope

from .services import hash_token

# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 128


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a known, unexpired, unrevoked token of an active user."""

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
        # Write operations refuse a read token (writes.require_write_token).
        request.api_token_scope = row.scope
        return row.user


def scope_of(request) -> Scope:
    """The Scope of the authenticated user, computed once per request: a list's resolvers ask
    for it on every item (Scope.for_user works out today's date each time)."""
    scope = getattr(request, "_chibo_scope", None)
    if scope is None:
        scope = request._chibo_scope = Scope.for_user(request.auth)
    return scope
