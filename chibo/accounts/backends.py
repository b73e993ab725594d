"""The sign-in backend: Django's, with the roles a user holds today read with the user."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import router
from django.db.models import CharField, DateField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat

from chibo.core.dates import today
from chibo.core.prepared import Prepared

from .models import RoleAssignment

# Separators of the grants read with the user: no role, path or id holds them.
FIELD_SEP, GRANT_SEP = "\x1f", "\x1e"


def _grants_text(on):
    """The user's (OuterRef) grants on `on` as one text, as Scope.for_user reads them."""
    return Subquery(
        RoleAssignment.objects.held(on)
        .filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(
            text=StringAgg(
                Concat(
                    "role",
                    Value(FIELD_SEP),
                    "organization__path",
                    Value(FIELD_SEP),
                    Cast("organization_id", CharField()),
                    output_field=CharField(),
                ),
                Value(GRANT_SEP),
            )
        )
        .values("text")
    )


def grants_of(text: str | None) -> list[tuple[str, str, int]]:
    """(role, path, organization id) of each grant in a text of _grants_text (None: none)."""
    if not text:
        return []
    rows = []
    for grant in text.split(GRANT_SEP):
        role, path, org_id = grant.split(FIELD_SEP)
        rows.append((role, path, int(org_id)))
    return rows


def _user_with_grants(user_id, on):
    return (
        get_user_model()
        ._default_manager.annotate(_chibo_grants_text=_grants_text(on))
        .filter(pk=user_id)
    )


# Read on every signed-in request: its SQL is built once (core.prepared).
_USER_WITH_GRANTS = Prepared(
    _user_with_grants,
    stand_ins={"user_id": -1, "on": datetime.date(1, 1, 1)},
    fields={"user_id": get_user_model()._meta.pk, "on": DateField()},
)


class ScopeBackend(ModelBackend):
    """ModelBackend whose get_user (the user of a session, once per request) reads in the same
    query the grants that Scope.for_user reads next on nearly every request: the roles held
    today at organizations still open. Scope.for_user takes them for that day.

    ModelBackend stays listed after it for the sessions signed in before it came; a username
    and password this backend refuses are refused there too, so it ends the sign-in
    (PermissionDenied) rather than let ModelBackend check the password a second time."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        on = today()
        using = router.db_for_read(get_user_model())
        user = next(iter(_USER_WITH_GRANTS.raw(using, user_id=user_id, on=on)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._chibo_grants_read = (on, grants_of(user._chibo_grants_text))
        return user
