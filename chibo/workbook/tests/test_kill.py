"""A kill -9 in the middle of an import leaves the database as it was: the import is one
transaction, and SQLite (WAL) and PostgreSQL both drop an uncommitted one when the process dies.

The import runs as `manage.py import_workbook` on a migrated database of its own, of the suite's
kind (a SQLite file, or a PostgreSQL database); the test waits until the importer reports that
it is past the members sheet, kills it with SIGKILL, then reads the database again: the same
rows as before, and (SQLite) an intact file."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings

from chibo.workbook import schema

from .test_import import CELL, COMMUNE, ROOT, book, member, rows

pytestmark = pytest.mark.slow

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _manage(db, *args, **kwargs):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.update(db.env)
    return subprocess.Popen([sys.executable, MANAGE, *args], env=env, **kwargs)  # noqa: S603


def _counts(db) -> dict:
    with closing(db.connect()) as conn:
        if isinstance(conn, sqlite3.Connection):
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {
            table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in (
                "organizations_organization",
                "members_member",
                "members_membership",
                "core_auditevent",
            )
        }


def test_kill_9_during_an_import_writes_nothing(tmp_path, own_database):
    db = own_database
    members = [
        member(f"18{i:06d}", f"Lò Văn {i}", joined_cell_on="01/01/2016") for i in range(2500)
    ]
    ships = [
        {"member": f"18{i:06d}", "cell": CELL["code"], "start": "01/01/2016"} for i in range(2500)
    ]
    path = tmp_path / "lon.xlsx"
    path.write_bytes(
        book(
            {
                "Tổ chức": rows(schema.ORGANIZATIONS, [ROOT, COMMUNE, CELL]),
                "Đảng viên": rows(schema.MEMBERS, members),
                "Quá trình sinh hoạt": rows(schema.MEMBERSHIPS, ships),
            }
        )
    )
    before = _counts(db)
    process = _manage(db, "import_workbook", str(path), stderr=subprocess.PIPE)
    seen = b""
    deadline = time.monotonic() + 120
    # The progress line of the sheet after the members: the members are written, uncommitted.
    while "Quá trình sinh hoạt" not in seen.decode(errors="ignore"):
        chunk = process.stderr.read1(4096)
        if not chunk or time.monotonic() > deadline:
            break
        seen += chunk
    assert "Quá trình sinh hoạt" in seen.decode(errors="ignore"), seen[-500:]
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    assert _counts(db) == before
    # And the database takes the same file afterwards.
    assert _manage(db, "import_workbook", str(path)).wait(timeout=300) == 0
    after = _counts(db)
    assert after["members_member"] == 2500 and after["organizations_organization"] == 3
