"""`chibo backup` and `chibo restore`: a round trip on the test database, and every refusal.

The round trip runs on whichever database the suite runs on: SQLite (in memory by default, a
file with CHIBO_TEST_SQLITE) through the online backup API, PostgreSQL through pg_dump and
pg_restore. The tests that copy the database are transactional, so that the data is committed and
pg_dump sees it; the refusals that come before any copy run in the shared module transaction (a
transactional test costs an emptying of every table and a tree of its own).
"""

import datetime
import re
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from chibo.core.management import dbcopy
from chibo.core.management.commands import restore as restore_command
from chibo.core.models import AuditEvent
from chibo.members.models import Member, Membership
from chibo.organizations import services as org_services
from chibo.organizations.models import Commune, Organization, OrganizationPeriod, Village
from conftest import make_member

committed = pytest.mark.django_db(transaction=True)

OTHER_KIND = {
    "sqlite": b"PGDMP\x01\x0e\x00" + b"\x00" * 64,
    "postgresql": dbcopy.SQLITE_MAGIC + b"\x10\x00" + b"\x00" * 64,
}


def state():
    """What the round trip must bring back: counts, names, paths, sort keys, cells."""
    models = (Organization, OrganizationPeriod, Commune, Village, Member, Membership, AuditEvent)
    return {
        "counts": {m.__name__: m.objects.count() for m in models},
        "orgs": list(Organization.objects.order_by("code").values_list("code", "name", "path")),
        "members": list(
            Member.objects.order_by("id").values_list(
                "full_name", "sort_key", "cell__code", "party_card_number", "updated_at"
            )
        ),
    }


def backup(path, *args):
    out = StringIO()
    call_command("backup", str(path), *args, stdout=out)
    return out.getvalue()


def restore(path, *args):
    out = StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


@committed
def test_round_trip_brings_back_the_snapshot(tree, tmp_path):
    before = state()
    path = tmp_path / "chibo.backup"

    report = backup(path)

    assert dbcopy.file_kind(path) == connection.vendor
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # holds citizen IDs
    assert not [p for p in tmp_path.iterdir() if p != path]  # no temporary file left behind
    assert "bảng" in report and str(path) in report

    # Changes after the backup: a new member, a renamed cell, an edited name.
    make_member(tree.cell_a, "Phạm Thị Mới", card="01000099", cid="014080000099")
    org_services.org_rename(
        org=tree.cell_a, name="Chi bộ bản Áng Mới", on=datetime.date(2024, 1, 1), actor=None
    )
    Member.objects.filter(pk=tree.member_b.pk).update(full_name="Cầm Văn Đổi")
    assert state() != before

    report = restore(path, "--yes")

    assert state() == before
    assert Member.objects.count() == 3
    assert not Member.objects.filter(full_name="Phạm Thị Mới").exists()
    assert Organization.objects.get(pk=tree.cell_a.pk).name == "Chi bộ bản Áng"
    assert Member.objects.get(pk=tree.member_b.pk).full_name == "Cầm Văn Bình"
    assert "Đã khôi phục" in report
    assert "chibo migrate" not in report  # same code, nothing pending

    # The restored database takes writes again (sequences and constraints came back too).
    make_member(tree.cell_b, "Lò Văn Sau", card="02000099", cid="014080000098")
    assert Member.objects.count() == 4


def _reported(report: str) -> tuple[int, int]:
    """(tables, rows) from a backup's or a restore's one-line report."""
    found = re.search(r"([\d.]+) bảng, ([\d.]+) dòng", report)
    assert found, report
    return int(found[1].replace(".", "")), int(found[2].replace(".", ""))


def _held() -> tuple[int, int]:
    """What the database holds, counted here: chibo's tables (not SQLite's own) and their rows."""
    tables = [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]
    with connection.cursor() as cursor:
        rows = 0
        for t in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(t)}")  # noqa: S608
            rows += cursor.fetchone()[0]
    return len(tables), rows


@committed
def test_backup_and_restore_report_what_the_database_holds(tree, tmp_path):
    # ANALYZE (the demo runs it) adds SQLite's sqlite_stat1: not one of chibo's tables, counted
    # by neither report. On PostgreSQL the backup counts its rows too, in pg_dump's snapshot.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    held = _held()
    path = tmp_path / "chibo.backup"
    assert _reported(backup(path)) == held
    if connection.vendor == "postgresql":  # the dump's table of contents, read for restores
        tool = dbcopy.pg_tool("pg_restore", dbcopy.server_major(connection))
        assert len(dbcopy.dump_tables(tool, path)) == held[0]
    make_member(tree.cell_a, "Phạm Thị Mới", card="01000099", cid="014080000099")
    assert _reported(restore(path, "--yes")) == held == _held()


@committed
def test_backup_keeps_an_existing_file_unless_forced(tree, tmp_path):
    path = tmp_path / "chibo.backup"
    path.write_bytes(b"old")

    with pytest.raises(CommandError, match="--force"):
        backup(path)
    assert path.read_bytes() == b"old"

    backup(path, "--force")
    assert dbcopy.file_kind(path) == connection.vendor


def test_backup_refuses_a_missing_folder(db, tmp_path):
    with pytest.raises(CommandError, match="không tồn tại"):
        backup(tmp_path / "nowhere" / "chibo.backup")


def test_restore_refuses_the_other_kind_of_backup(tree, tmp_path):
    path = tmp_path / "other.backup"
    path.write_bytes(OTHER_KIND[connection.vendor])

    with pytest.raises(CommandError, match="không thể khôi phục chéo"):
        restore(path, "--yes")
    assert Member.objects.count() == 3


def test_restore_refuses_a_file_that_is_no_backup(tree, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("không phải bản sao lưu")

    with pytest.raises(CommandError, match="không phải là bản sao lưu"):
        restore(path, "--yes")
    with pytest.raises(CommandError, match="Không có tệp"):
        restore(tmp_path / "missing.backup", "--yes")


@committed  # the check of the SQLite file comes after the refusal inside a transaction
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite files only")
def test_restore_refuses_a_sqlite_file_that_is_not_chibo(tree, tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")

    with pytest.raises(CommandError, match="không phải là cơ sở dữ liệu chibo"):
        restore(path, "--yes")


@committed
def test_restore_without_a_terminal_needs_yes(tree, tmp_path, monkeypatch):
    path = tmp_path / "chibo.backup"
    backup(path)
    make_member(tree.cell_a, "Phạm Thị Mới", card="01000099")
    monkeypatch.setattr(restore_command, "stdin_is_tty", lambda: False)

    with pytest.raises(CommandError, match="--yes"):
        restore(path)
    assert Member.objects.count() == 4  # untouched


@committed
def test_restore_at_a_terminal_asks_first(tree, tmp_path, monkeypatch):
    path = tmp_path / "chibo.backup"
    backup(path)
    make_member(tree.cell_a, "Phạm Thị Mới", card="01000099")
    monkeypatch.setattr(restore_command, "stdin_is_tty", lambda: True)

    monkeypatch.setattr("builtins.input", lambda prompt: "không")
    with pytest.raises(CommandError, match="Đã hủy"):
        restore(path)
    assert Member.objects.count() == 4

    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "có")
    restore(path)
    assert Member.objects.count() == 3
    assert "thay bằng bản sao lưu" in prompts[0] and str(path) in prompts[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_pg_tools_are_as_new_as_the_server(db):
    major = dbcopy.server_major(connection)
    for tool in ("pg_dump", "pg_restore"):
        assert dbcopy._tool_major(dbcopy.pg_tool(tool, major)) >= major
    with pytest.raises(CommandError, match="CHIBO_PG_BIN"):
        dbcopy.pg_tool("pg_dump", 99)


def test_pg_password_travels_in_the_environment():
    class Conn:
        settings_dict = {
            "NAME": "chibo",
            "USER": "chibo",
            "PASSWORD": "s3cret",
            "HOST": "db",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require"},
        }

    args, env = dbcopy.pg_args_env(Conn())

    assert "s3cret" not in " ".join(args)
    assert env["PGPASSWORD"] == "s3cret" and env["PGSSLMODE"] == "require"
    assert args == [
        "--no-password",
        "--host",
        "db",
        "--port",
        "5433",
        "--username",
        "chibo",
        "--dbname",
        "chibo",
    ]


def test_version_parsing_and_sizes():
    assert dbcopy._major("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == 15
    assert dbcopy._major("pg_restore (PostgreSQL) 17.2") == 17
    assert dbcopy.human_size(512) == "512 B"
    assert dbcopy.human_size(12_345_678) == "11,7 MB"


@committed
def test_restore_of_an_older_backup_says_to_migrate(tree, tmp_path):
    recorder = MigrationRecorder(connection)
    # A backup made before the latest migration of members.
    latest = max(n for app, n in MigrationLoader(connection).graph.leaf_nodes() if app == "members")
    recorder.record_unapplied("members", latest)
    try:
        path = tmp_path / "older.backup"
        backup(path)
        recorder.record_applied("members", latest)

        report = restore(path, "--yes")
    finally:
        recorder.record_applied("members", latest)

    assert "chibo migrate" in report


@committed
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_pg_restore_refuses_tables_the_backup_lacks(tree, tmp_path):
    path = tmp_path / "chibo.backup"
    backup(path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_feature (id integer)")
    try:
        with pytest.raises(CommandError, match="later_feature"):
            restore(path, "--yes")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_feature")
    assert Member.objects.count() == 3
