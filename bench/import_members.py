#!/usr/bin/env python
"""Time the member import of a district-sized file (9,300 rows) on SQLite.

    .venv/bin/python bench/import_members.py [--rows 9300] [--runs 3]

Builds a throwaway SQLite database in a temporary folder (migrate, then a district with 47
communes and 293 cells), generates an .xlsx in the import layout with openpyxl, and for each
run restores the empty database and times what the confirm step of the web import does:
parse (streaming scan + python-calamine), validate (values, dates, cells, uniqueness against
the database) and import_rows (one transaction: bulk members, memberships, audit events).
Then it times an export of the imported members. Medians over the runs are written to
bench/results/import-members-sqlite.md with the command, date, commit and machine.
"""

import argparse
import datetime
import os
import platform
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="chibo-import-bench-"))
DB = TMP / "bench.sqlite3"
os.environ.pop("DATABASE_URL", None)  # this bench is about SQLite
os.environ["CHIBO_SQLITE_PATH"] = str(DB)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from chibo.accounts.models import Role, RoleAssignment, User  # noqa: E402
from chibo.accounts.scope import Scope  # noqa: E402
from chibo.members import services  # noqa: E402
from chibo.members.models import Member  # noqa: E402
from chibo.members.rules import probation_end  # noqa: E402
from chibo.members.spreadsheets import checking, layout, reading, writing  # noqa: E402
from chibo.organizations import services as org_services  # noqa: E402
from chibo.organizations.models import Organization  # noqa: E402

K = Organization.Kind
D0 = datetime.date(2015, 1, 1)
FAMILY = ["Lò", "Cầm", "Quàng", "Lường", "Vì", "Hoàng", "Nguyễn", "Trần", "Lê", "Mùa", "Giàng"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Xuân", "A", "Thu"]
GIVEN = [
    "An",
    "Ánh",
    "Bình",
    "Chiến",
    "Dung",
    "Đông",
    "Hương",
    "Khánh",
    "Lan",
    "Mai",
    "Nam",
    "Phương",
    "Quý",
    "Sơn",
    "Thắng",
    "Tú",
    "Vân",
    "Xuân",
    "Yến",
    "Páo",
    "Sáy",
]


def build_tree() -> list[str]:
    district = org_services.org_create(
        code="MS",
        name="Đảng bộ huyện Mai Sơn",
        kind=K.DISTRICT_COMMITTEE,
        parent=None,
        valid_from=D0,
        actor=None,
    )
    cells = []
    for g in range(47):
        commune = org_services.org_create(
            code=f"MS{g:02d}",
            name=f"Đảng bộ xã {g}",
            kind=K.GRASSROOTS,
            grassroots_type="commune",
            parent=district,
            valid_from=D0,
            actor=None,
        )
        for c in range(293 // 47 + (1 if g < 293 % 47 else 0)):
            cell = org_services.org_create(
                code=f"MS{g:02d}-{c:02d}",
                name=f"Chi bộ bản {g}-{c}",
                kind=K.CELL,
                cell_type="residential",
                parent=commune,
                valid_from=D0,
                actor=None,
            )
            cells.append(cell.code)
    user = User.objects.create_user(username="bench-admin", password="bench-admin-pw")
    RoleAssignment.objects.create(
        user=user, role=Role.ORG_ADMIN, organization=district, valid_from=D0
    )
    return cells


def build_file(path: Path, rows: int, cells: list[str]):
    rnd = random.Random(9300)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(layout.DATA_SHEET)
    ws.append([c.header for c in layout.COLUMNS])
    for i in range(rows):
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 365 * 60))
        admitted = born + datetime.timedelta(days=365 * 19 + rnd.randrange(0, 365 * 20))
        admitted = min(admitted, datetime.date(2025, 6, 1))
        # Official on the day probation ends (the rule's own date), or still on probation.
        official = probation_end(admitted) if rnd.random() < 0.95 else None
        values = {
            "full_name": f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
            "sex": rnd.choice(["Nam", "Nữ"]),
            # Half the dates as real dates, half as dd/mm/yyyy text, as files come in practice.
            "birth_date": born if i % 2 else born.strftime("%d/%m/%Y"),
            "birthplace": "Mai Sơn, Sơn La",
            "hometown": "Mai Sơn, Sơn La",
            "residence": f"Bản {i % 293}, Mai Sơn",
            "ethnicity": rnd.choice(["Thái", "Kinh", "H'Mông", "Mường", "Khơ Mú"]),
            "occupation": "Nông dân",
            "citizen_id": f"014{i:09d}",
            "party_card_number": f"{40000000 + i}",
            "admission_date": admitted,
            "official_date": official,
            "education": "12/12",
            "theory_level": rnd.choice(list(layout.THEORY_VALUES)),
            "cell_code": cells[i % len(cells)],
        }
        ws.append([values.get(c.field) for c in layout.COLUMNS])
    wb.save(path)


def sqlite_files(base: Path):
    return [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]


def checkpoint_and_close():
    with connection.cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def restore(baseline: Path):
    connection.close()
    for p in sqlite_files(DB):
        p.unlink(missing_ok=True)
    shutil.copyfile(baseline, DB)


def timed(fn, *args, **kwargs):
    """(result, wall seconds, process CPU seconds)."""
    cpu, start = time.process_time(), time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start, time.process_time() - cpu


def wait_quiet(limit: float, timeout: float):
    """Others' test runs share this machine: wait (up to `timeout`) for a 1-minute load below
    `limit`, so the wall times mean something; the load is recorded either way."""
    deadline = time.monotonic() + timeout
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        print(f"waiting for a quieter machine: load {os.getloadavg()[0]:.2f}", flush=True)
        time.sleep(15)


def sh(*cmd) -> str:
    try:
        return subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--max-load",
        type=float,
        default=float(os.cpu_count() or 1),
        help="wait before each run until the 1-minute load is below this",
    )
    parser.add_argument("--wait", type=float, default=600, help="longest wait, in seconds")
    parser.add_argument("--out", default=str(ROOT / "bench/results/import-members-sqlite.md"))
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        cells = build_tree()
        checkpoint_and_close()
        baseline = TMP / "baseline.sqlite3"
        shutil.copyfile(DB, baseline)
        xlsx = TMP / "members.xlsx"
        build_file(xlsx, args.rows, cells)
        print(f"file: {args.rows} rows, {xlsx.stat().st_size / 1024:.0f} KiB", flush=True)

        runs = []
        for n in range(args.runs):
            restore(baseline)
            wait_quiet(args.max_load, args.wait)
            load = os.getloadavg()[0]
            user = User.objects.get(username="bench-admin")
            scope = Scope.for_user(user)
            rows, *parse = timed(reading.parse, xlsx)
            (clean, errors), *check = timed(checking.validate, rows, scope)
            assert not errors, errors[:5]
            _, *imp = timed(services.members_import, rows=clean, actor=user, source=xlsx.name)
            assert Member.objects.count() == args.rows
            members = Member.objects.select_related("cell").order_by("sort_key", "id")
            data, *exp = timed(writing.export, members, scope)
            total = [parse[i] + check[i] + imp[i] for i in (0, 1)]
            run = {
                "parse": parse,
                "validate": check,
                "import": imp,
                "total": total,
                "export": exp,
                "load": load,
            }
            runs.append(run)
            print(
                f"run {n + 1} (load {load:.2f}): "
                + ", ".join(
                    f"{k} {v[0]:.2f}s wall {v[1]:.2f}s cpu" for k, v in run.items() if k != "load"
                ),
                flush=True,
            )
        write_results(args, runs, xlsx.stat().st_size, len(data))
    finally:
        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)


def write_results(args, runs, file_bytes, export_bytes):
    steps = ("parse", "validate", "import", "total", "export")
    med = {k: [statistics.median(r[k][i] for r in runs) for i in (0, 1)] for k in steps}
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    import sqlite3

    args_text = [shlex.quote(a) for a in sys.argv[1:]]
    lines = [
        "# Member import from .xlsx on SQLite",
        "",
        f"Command: `{' '.join(['.venv/bin/python', 'bench/import_members.py', *args_text])}`",
        "",
        f"- {args.rows:,} rows ({file_bytes / 1024:.0f} KiB .xlsx, half the dates as real dates, "
        "half as dd/mm/yyyy text) into 293 cells of 47 communes; a fresh temporary SQLite "
        "database (WAL) restored before each run; medians of "
        f"{len(runs)} runs.",
        "- total = what the confirm step does: parse (streaming XML scan for row count and "
        "formulas, then python-calamine) + validate (values, dates, cells, uniqueness in the "
        "file and in the database) + import_rows (one transaction: bulk_create of members, "
        "memberships and one audit event per member plus one IMPORT event).",
        f"- export = the same {args.rows:,} members written back with openpyxl write-only "
        f"({export_bytes / 1024:.0f} KiB).",
        "",
        "| step | median wall (s) | median CPU (s) | runs, wall (s) |",
        "|---|---:|---:|---|",
    ]
    for k in steps:
        walls = ", ".join(f"{r[k][0]:.2f}" for r in runs)
        lines.append(f"| {k} | {med[k][0]:.2f} | {med[k][1]:.2f} | {walls} |")
    loads = ", ".join(f"{r['load']:.2f}" for r in runs)
    lines += [
        "",
        f"Budget: the import of 9,300 rows in < 10 s. Measured total {med['total'][0]:.2f} s "
        f"wall, {med['total'][1]:.2f} s CPU (the process's own time, which other work on the "
        "machine does not inflate).",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')}",
        f"- commit: {sh('git', 'rev-parse', '--short', 'HEAD')}",
        f"- machine: {os.cpu_count()} CPUs ({cpu}); 1-minute load at the start of each run: "
        f"{loads} (others' test runs share the machine)",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}, openpyxl {openpyxl.__version__}",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print(f"median total {med['total'][0]:.2f}s wall, {med['total'][1]:.2f}s CPU; {args.out}")


if __name__ == "__main__":
    main()
