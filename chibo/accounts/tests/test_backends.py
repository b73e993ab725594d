"""The user of a session read with the roles held today (accounts.backends), through a query
whose SQL is built once (core.prepared): the same user and grants as the ORM's query gives."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import DateField

from chibo.accounts.backends import ScopeBackend, grants_of
from chibo.accounts.models import Role, RoleAssignment, User
from chibo.core.dates import today
from chibo.core.prepared import Prepared

DAY = datetime.timedelta(days=1)


def test_the_user_comes_with_the_roles_held_today_at_open_organizations(personas, tree):
    official = personas["official"]
    held = RoleAssignment.objects.get(user=official)
    for org, start, end in [
        (tree.cell_a2, today() - 30 * DAY, today()),  # ended: today is its first day without
        (tree.cell_b, today() + DAY, None),  # not yet begun
        (tree.commune_b, today() - 30 * DAY, None),  # held
    ]:
        RoleAssignment.objects.create(
            user=official, role=Role.ASSIGNED_OFFICIAL, organization=org, valid_from=start,
            valid_to=end,
        )  # fmt: skip
    backend = ScopeBackend()

    user = backend.get_user(official.pk)
    assert user == official and user.username == official.username
    day, grants = user._chibo_grants_read
    assert day == today()
    assert sorted(grants, key=lambda g: g[2]) == sorted(
        [
            (held.role, held.organization.path, held.organization_id),
            (Role.ASSIGNED_OFFICIAL, tree.commune_b.path, tree.commune_b.pk),
        ],
        key=lambda g: g[2],
    )
    # A second read takes the SQL built by the first, with this user's id.
    other = backend.get_user(personas["secretary_a"].pk)
    assert other == personas["secretary_a"]
    assert [g[2] for g in other._chibo_grants_read[1]] == [
        RoleAssignment.objects.get(user=personas["secretary_a"]).organization_id
    ]


def test_no_user_for_an_unknown_id_or_an_inactive_user(personas):
    backend = ScopeBackend()
    assert backend.get_user(10**9) is None
    User.objects.filter(pk=personas["official"].pk).update(is_active=False)
    assert backend.get_user(personas["official"].pk) is None
    assert grants_of(None) == [] and grants_of("") == []


@pytest.mark.django_db
def test_a_stand_in_the_query_does_not_use_is_refused():
    prepared = Prepared(
        lambda user_id, on: User.objects.filter(pk=user_id),
        stand_ins={"user_id": -1, "on": datetime.date(1, 1, 1)},
        fields={"user_id": User._meta.pk, "on": DateField()},
    )
    with pytest.raises(ImproperlyConfigured, match="on"):
        list(prepared.raw("default", user_id=1, on=today()))


@pytest.mark.django_db
def test_a_session_loads_until_it_expires_then_it_is_empty_and_loses_its_key():
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from chibo.accounts.sessions import SessionStore

    assert settings.SESSION_ENGINE == "chibo.accounts.sessions"
    store = SessionStore()
    store["who"] = "thư ký"
    store.save()
    key = store.session_key
    assert SessionStore(key).load() == {"who": "thư ký"}
    assert SessionStore("no-such-session-key-0123456789").load() == {}

    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None
