"""Roles exclude their end like every dated row; the migration that moved their ends."""

import datetime
import importlib

from django.apps import apps

from chibo.accounts.models import Role, RoleAssignment
from chibo.committees.models import LeadershipTarget

D = datetime.date
roles_0004 = importlib.import_module("chibo.accounts.migrations.0004_role_valid_to_excluded")
targets_0003 = importlib.import_module(
    "chibo.committees.migrations.0003_leadership_target_end_excluded"
)


def test_current_roles_exclude_their_valid_to(personas, tree):
    role = RoleAssignment.objects.get(user=personas["official"])
    role.valid_to = D(2023, 4, 1)
    role.save()
    mine = RoleAssignment.objects.filter(pk=role.pk)
    assert mine.current(D(2023, 3, 31)).exists()
    assert not mine.current(D(2023, 4, 1)).exists()
    assert not mine.current(role.valid_from - datetime.timedelta(days=1)).exists()


def test_the_migration_gives_every_ended_role_one_more_day(personas, tree):
    ended = RoleAssignment.objects.create(
        user=personas["official"],
        role=Role.ASSIGNED_OFFICIAL,
        organization=tree.cell_a2,
        valid_from=D(2022, 1, 1),
        valid_to=D(2022, 12, 31),  # the last day with the role, as it was stored
    )
    roles_0004.to_excluded(apps, None)
    ended.refresh_from_db()
    assert ended.valid_to == D(2023, 1, 1)
    assert set(
        RoleAssignment.objects.filter(valid_to__isnull=True).values_list("user", flat=True)
    ) == {u.pk for u in personas.values()}
    roles_0004.to_included(apps, None)
    ended.refresh_from_db()
    assert ended.valid_to == D(2022, 12, 31)


def test_the_migration_gives_every_target_one_more_day(tree):
    target = LeadershipTarget.objects.create(
        organization=tree.district,
        term_name="2020–2025",
        start=D(2020, 7, 1),
        end=D(2025, 6, 30),
        nonlocal_target=3,
    )
    targets_0003.to_excluded(apps, None)
    target.refresh_from_db()
    assert target.end == D(2025, 7, 1)
    assert LeadershipTarget.objects.in_force(D(2025, 6, 30)).get() == target
    assert not LeadershipTarget.objects.in_force(D(2025, 7, 1)).exists()
