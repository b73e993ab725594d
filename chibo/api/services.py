"""Writes made by the API: issuing bearer tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from chibo.accounts.models import ApiToken
from chibo.core import audit
from chibo.core.models import AuditEvent


def hash_token(token: str) -> str:
    """The sha256 hex digest kept in ApiToken.key_hash; the token itself is never stored."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@transaction.atomic
def token_issue(*, user, scope: str = ApiToken.Access.READ) -> tuple[str, ApiToken]:
    """A new token for `user`, valid for `ApiToken.LIFETIME`; returns the token (shown once)
    and its row.

    Whether the user may hold a write token is the caller's check (POST /auth/token); a write
    token writes only where the user's roles allow, checked on every write."""
    token = secrets.token_urlsafe(32)
    expires_at = (timezone.now() + ApiToken.LIFETIME).replace(microsecond=0)
    row = ApiToken.objects.create(
        user=user, key_hash=hash_token(token), expires_at=expires_at, scope=scope
    )
    note = "api token" if scope == ApiToken.Access.READ else "api token (write)"
    audit.record(actor=user, action=AuditEvent.Action.LOGIN, obj=user, note=note)
    return token, row
