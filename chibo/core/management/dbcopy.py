"""Whole-database copies for the `backup` and `restore` commands.

SQLite goes through the online backup API (page by page, a consistent snapshot, safe while the
server runs); PostgreSQL through pg_dump/pg_restore in the custom format. A password never
appears on a command line: it travels in PGPASSWORD, as Django's own `dbshell` does.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from chibo.core import vn

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
KIND_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL (pg_dump)"}


@dataclass
class Summary:
    """What a backup or a restore touched, for the one-line report."""

    size: int
    tables: int
    rows: int | None = None

    def text(self) -> str:
        parts = [human_size(self.size), _("%(n)s bảng") % {"n": vn.format_int(self.tables)}]
        if self.rows is not None:
            parts.append(_("%(n)s dòng") % {"n": vn.format_int(self.rows)})
        return ", ".join(parts)


def human_size(n: int) -> str:
    """12345678 -> '11,7 MB' (binary units, Vietnamese decimal comma)."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            return f"{vn.format_decimal(n / factor, 1)} {unit}"
    return f"{n} B"


def file_kind(path: Path) -> str | None:
    """'sqlite' or 'postgresql' from the file's first bytes; None for anything else."""
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def database_kind(connection) -> str:
    if connection.vendor in ("sqlite", "postgresql"):
        return connection.vendor
    raise CommandError(_("Cơ sở dữ liệu %(v)s không được hỗ trợ.") % {"v": connection.vendor})


def describe_database(connection) -> str:
    """'SQLite /srv/chibo/var/chibo.sqlite3' or 'PostgreSQL chibo@db.local:5432/chibo'."""
    sd = connection.settings_dict
    if connection.vendor == "sqlite":
        name = _("(trong bộ nhớ)") if connection.is_in_memory_db() else str(sd["NAME"])
        return f"SQLite {name}"
    where = f"{sd.get('HOST') or 'localhost'}:{sd.get('PORT') or 5432}/{sd.get('NAME')}"
    return f"PostgreSQL {sd.get('USER') + '@' if sd.get('USER') else ''}{where}"


@contextmanager
def staged_file(target: Path):
    """A private (0600) temporary file beside `target`, moved onto it only on success.

    A backup holds citizen IDs, so nobody else may read it; a failed or interrupted backup
    leaves no half-written file under the expected name.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    # Names come from the catalog, quoted: no outside input reaches the SQL.
    count = 'SELECT COUNT(*) FROM "{}"'
    rows = sum(conn.execute(count.format(t.replace('"', '""'))).fetchone()[0] for t in tables)
    return len(tables), rows


def _live_sqlite(connection):
    """A raw sqlite3 connection to the live database and whether the caller must close it.

    A file database gets a connection of its own, outside whatever Django's connection is
    doing. An in-memory database (the test suite's) exists only inside Django's connection,
    so that one is used.
    """
    if connection.is_in_memory_db():
        connection.ensure_connection()
        return connection.connection, False
    conn = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn, True


def sqlite_backup(connection, target: Path) -> Summary:
    src, own = _live_sqlite(connection)
    try:
        with staged_file(target) as tmp:
            with closing(sqlite3.connect(tmp)) as dst:
                # pages=-1: one step, so the copy is one read transaction and one snapshot;
                # in WAL mode writers go on meanwhile.
                src.backup(dst, pages=-1)
                # A backup is one self-contained file: no -wal/-shm companions.
                dst.execute("PRAGMA journal_mode = DELETE")
                check = dst.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise CommandError(_("Bản sao lưu bị lỗi: %(c)s") % {"c": check})
                tables, rows = _sqlite_counts(dst)
            size = tmp.stat().st_size
    finally:
        if own:
            src.close()
    return Summary(size=size, tables=tables, rows=rows)


def sqlite_check_backup(path: Path) -> None:
    """Refuse a damaged file or a SQLite file that is not a chibo database."""
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            has_migrations = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.Error as e:
        raise CommandError(_("Không đọc được tệp SQLite %(f)s: %(e)s") % {"f": path, "e": e}) from e
    if check != "ok":
        raise CommandError(_("Tệp %(f)s bị lỗi: %(c)s") % {"f": path, "c": check})
    if not has_migrations:
        raise CommandError(_("Tệp %(f)s không phải là cơ sở dữ liệu chibo.") % {"f": path})


def sqlite_restore(connection, source: Path) -> None:
    """Replace every page of the live database with the backup's, in one write transaction."""
    connection.close()  # a no-op for an in-memory database, which would vanish otherwise
    dst, own = _live_sqlite(connection)
    try:
        with closing(sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)) as src:
            src.backup(dst, pages=-1)
    except sqlite3.Error as e:
        raise CommandError(_("Khôi phục thất bại: %(e)s") % {"e": e}) from e
    finally:
        if own:
            dst.close()


# --- PostgreSQL --------------------------------------------------------------------------------


def _major(version_output: str) -> int | None:
    """'pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)' -> 15."""
    m = re.search(r"\)\s+(\d+)", version_output) or re.search(r"(\d+)\.\d+", version_output)
    return int(m.group(1)) if m else None


def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return _major(out.stdout)


def pg_tool(name: str, server_major: int) -> str:
    """The first `name` (pg_dump, pg_restore) at least as new as the server.

    Looks in CHIBO_PG_BIN, then PATH, then /usr/lib/postgresql/*/bin (newest first), the way
    scripts/with-postgres.sh finds initdb. pg_dump refuses a server newer than itself.
    """
    candidates = []
    if os.environ.get("CHIBO_PG_BIN"):
        candidates.append(str(Path(os.environ["CHIBO_PG_BIN"]) / name))
    if shutil.which(name):
        candidates.append(shutil.which(name))

    def dir_version(p):
        m = re.search(r"/postgresql/(\d+)/bin/", p)
        return int(m.group(1)) if m else 0

    candidates += sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=dir_version, reverse=True
    )
    found = []
    for path in candidates:
        major = _tool_major(path)
        if major is not None and major >= server_major:
            return path
        found.append(f"{path} ({major})")
    raise CommandError(
        _(
            "Không tìm thấy %(tool)s phiên bản %(v)s trở lên (máy chủ PostgreSQL %(v)s; đã thử: "
            "%(found)s). Cài gói postgresql-client-%(v)s hoặc đặt CHIBO_PG_BIN."
        )
        % {"tool": name, "v": server_major, "found": ", ".join(found) or "-"}
    )


def server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def pg_args_env(connection) -> tuple[list[str], dict]:
    """Connection options and environment for the libpq tools, from the Django settings."""
    sd = connection.settings_dict
    args = []
    if sd.get("HOST"):
        args += ["--host", str(sd["HOST"])]
    if sd.get("PORT"):
        args += ["--port", str(sd["PORT"])]
    if sd.get("USER"):
        args += ["--username", str(sd["USER"])]
    if sd.get("NAME"):
        args += ["--dbname", str(sd["NAME"])]
    # Password, service, passfile and TLS options go through the environment, as for dbshell.
    _cmd, extra_env = DatabaseClient.settings_to_cmd_args_env(sd, [])
    env = {**os.environ, **(extra_env or {})}
    return ["--no-password", *args], env


def _run(cmd: list[str], env: dict) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except OSError as e:
        raise CommandError(_("Không chạy được %(c)s: %(e)s") % {"c": cmd[0], "e": e}) from e
    if result.returncode != 0:
        raise CommandError(
            _("%(c)s báo lỗi (mã %(rc)s):\n%(err)s")
            % {"c": Path(cmd[0]).name, "rc": result.returncode, "err": result.stderr.strip()}
        )
    return result


def dump_tables(pg_restore: str, path: Path) -> list[str]:
    """The tables a custom-format dump holds, from its table of contents."""
    toc = _run([pg_restore, "--list", str(path)], dict(os.environ)).stdout
    # e.g. "215; 1259 16385 TABLE public accounts_user chibo"; not its "TABLE DATA" entry,
    # which counted every table twice.
    return re.findall(r"^\d+; \d+ \d+ TABLE (?!DATA )\S+ (\S+) ", toc, flags=re.MULTILINE)


def pg_backup(connection, target: Path) -> Summary:
    major = server_major(connection)
    pg_dump = pg_tool("pg_dump", major)
    args, env = pg_args_env(connection)
    # The rows are counted in the snapshot pg_dump copies (pg_export_snapshot, --snapshot): what
    # the report says is what the file holds, even while the server writes.
    with staged_file(target) as tmp, transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        _run([pg_dump, "--format=custom", f"--file={tmp}", f"--snapshot={snapshot}", *args], env)
        tables, rows = live_counts(connection)
        size = tmp.stat().st_size
    return Summary(size=size, tables=tables, rows=rows)


def pg_restore(connection, source: Path) -> None:
    """pg_restore --clean in one transaction: on any error nothing changes.

    --clean drops only what the dump holds, so a table the dump lacks (made by a newer
    migration) would survive beside restored tables that do not match it; such a restore
    is refused before anything is touched.
    """
    major = server_major(connection)
    tool = pg_tool("pg_restore", major)
    in_dump = set(dump_tables(tool, source))
    extra = sorted(set(connection.introspection.table_names()) - in_dump)
    if extra:
        raise CommandError(
            _(
                "Cơ sở dữ liệu có %(n)s bảng không có trong bản sao lưu (%(t)s): bản sao lưu "
                "cũ hơn phiên bản chibo đang chạy. Hãy khôi phục vào một cơ sở dữ liệu trống "
                "(dropdb, createdb) rồi chạy `chibo migrate`."
            )
            % {"n": len(extra), "t": ", ".join(extra[:5]) + (", …" if len(extra) > 5 else "")}
        )
    args, env = pg_args_env(connection)
    connection.close()  # hold no lock that DROP TABLE would wait for
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )


# --- both --------------------------------------------------------------------------------------


def live_counts(connection) -> tuple[int, int]:
    """Tables and rows of the live database, through Django's connection: chibo's tables, not
    SQLite's own (sqlite_stat1 after ANALYZE, sqlite_sequence), as _sqlite_counts and the
    PostgreSQL backup count them, so that a backup and its restore report the same numbers."""
    tables = [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]
    qn = connection.ops.quote_name
    rows = 0
    with connection.cursor() as cursor:
        for t in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {qn(t)}")  # noqa: S608 (a catalog name)
            rows += cursor.fetchone()[0]
    return len(tables), rows


def migration_state(connection) -> tuple[list[str], list[str]]:
    """(migrations the code has and the database lacks, migrations the database has and the
    code does not know): the first calls for `chibo migrate`, the second for a newer chibo."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    pending = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
    unknown = sorted(
        f"{a}.{n}" for a, n in loader.applied_migrations if (a, n) not in loader.disk_migrations
    )
    return pending, unknown
