"""The notifications' move from meetings to accounts (meetings 0006) keeps every row: read or not,
its time, its e-mail, its meeting become its key and its link; and back again."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chibo.meetings.models import CellMeeting
from conftest import Tree, make_personas

BEFORE = [("accounts", "0005_user_must_change_password"), ("meetings", "0005_task_deadline_index")]
AFTER = [("accounts", "0006_notifications"), ("meetings", "0006_notifications_to_accounts")]
AT = datetime.datetime(2023, 3, 20, 8, 0, tzinfo=datetime.UTC)


def migrate(targets):
    """Migrate to `targets` as `manage.py migrate` does (the executor's plan, its schema editor,
    its records), and return the models at `targets`.

    Backwards, each migration is unapplied from the state of the migrations it depends on: the
    executor's own `migrate` renders the project's state and carries it, rendered, through every
    migration applied between the first one to undo (accounts 0006) and the last (meetings
    0006), some sixty of them (~8 s of CPU); no operation undone here reads a model they add."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    if plan and all(backwards for _migration, backwards in plan):
        for migration, _backwards in plan:
            before = executor.loader.project_state(
                (migration.app_label, migration.name), at_end=False
            )
            executor.unapply_migration(before, migration)
        executor.loader.build_graph()  # what is applied now
        executor.check_replacements()
    else:
        executor.migrate(targets, plan=plan)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_notification_moves_and_comes_back():
    tree = Tree()
    people = make_personas(tree)
    meeting = CellMeeting.objects.create(
        cell=tree.cell_a,
        month=datetime.date(2023, 3, 1),
        scheduled_date=datetime.date(2023, 3, 24),
    )
    try:
        old_apps = migrate(BEFORE)
        Old = old_apps.get_model("meetings", "Notification")
        rows = [
            # (user, meeting, kind, read)
            (people["member_a"], meeting, "invitation", False),  # a member: their own page
            (people["official"], meeting, "invitation", True),  # an official: the meeting page
            (people["secretary_a"], meeting, "returned", False),  # the record to correct
            (people["commune"], None, "note", True),  # about no meeting
        ]
        for user, m, kind, read in rows:
            n = Old.objects.create(
                user_id=user.pk,
                meeting_id=m.pk if m else None,
                kind=kind,
                text=f"{kind} {user.username}",
                emailed_to=f"{user.username}@example.vn",
                read_at=AT if read else None,
            )
            Old.objects.filter(pk=n.pk).update(created_at=AT)
        new_apps = migrate(AFTER)
        New = new_apps.get_model("accounts", "Notification")
        got = {n.text: n for n in New.objects.all()}
        assert len(got) == 4
        pk = meeting.pk
        expected = {
            "invitation member_a": (f"meeting:{pk}:invitation", f"/meetings/my/#meeting-{pk}"),
            "invitation official": (f"meeting:{pk}:invitation", f"/meetings/{pk}/"),
            "returned secretary_a": (f"meeting:{pk}:returned", f"/meetings/{pk}/record/"),
            "note commune": ("", ""),
        }
        assert {t: (n.key, n.url) for t, n in got.items()} == expected
        assert {t for t, n in got.items() if n.read_at == AT} == {
            "invitation official",
            "note commune",
        }
        assert all(
            n.created_at == AT and n.emailed_to.endswith("@example.vn") for n in got.values()
        )
        # and back
        back = migrate(BEFORE).get_model("meetings", "Notification")
        again = {
            (n.text, n.meeting_id, n.kind, n.read_at, n.created_at) for n in back.objects.all()
        }
        assert again == {
            ("invitation member_a", pk, "invitation", None, AT),
            ("invitation official", pk, "invitation", AT, AT),
            ("returned secretary_a", pk, "returned", None, AT),
            ("note commune", None, "note", AT, AT),
        }
    finally:
        # Every migration again, the later ones that depend on these included (a later
        # migration left unapplied breaks every test after this one on the worker).
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_database_is_fully_migrated_after_it():
    """Runs after the test above in the same worker or not: nothing is left to apply."""
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
