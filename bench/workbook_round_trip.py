#!/usr/bin/env python
"""The round trip, on the command line: export a database's whole workbook, import it into an
empty database, and compare every indicator of every organization as of several dates, and
every member's record and cell history. Times the export and the import.

    .venv/bin/python bench/workbook_round_trip.py --source var/chibo.sqlite3 [--runs 1]

The source is a SQLite file (the demo: `make run`, or `manage.py demo`). Each step runs as
`manage.py` in a subprocess with its own CHIBO_SQLITE_PATH, so the import really starts from a
migrated empty database. Results go to bench/results/workbook-round-trip-sqlite.md.
Exit status 1 when anything differs.
"""

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

DATES = ["2021-12-31", "2023-03-31", "2025-06-30", datetime.date.today().isoformat()]

DUMP = """
import json, datetime
from chibo.core.indicators import compute_all
from chibo.organizations.models import Organization
from chibo.members.models import Member, Membership
from chibo.members.services import EDITABLE_FIELDS
out = {"indicators": {}, "members": {}}
for d in %(dates)r:
    day = datetime.date.fromisoformat(d)
    for org in Organization.objects.order_by("code"):
        rows = compute_all(org, day)
        out["indicators"][org.code + "@" + d] = {r["code"]: [r["value"], r["of"]] for r in rows}
codes = dict(Organization.objects.values_list("pk", "code"))
ships = {}
for s in Membership.objects.order_by("start", "id"):
    ships.setdefault(s.member_id, []).append([codes[s.cell_id], str(s.start), str(s.end), s.reason])
for m in Member.objects.all():
    rec = {f: str(getattr(m, f)) for f in EDITABLE_FIELDS}
    rec.update(status=m.status, status_since=str(m.status_since), cell=codes[m.cell_id])
    rec["history"] = ships.get(m.pk, [])
    out["members"][m.party_card_number or m.citizen_id or m.full_name] = rec
open(%(out)r, "w").write(json.dumps(out, sort_keys=True))
"""


def manage(db: Path, *args, capture=False) -> subprocess.CompletedProcess:
    from benchenv import child_env

    env = child_env(CHIBO_SQLITE_PATH=str(db))
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )


def dump(db: Path, out: Path) -> dict:
    manage(db, "shell", "-c", DUMP % {"dates": DATES, "out": str(out)}, capture=True)
    return json.loads(out.read_text())


def compare(a: dict, b: dict) -> list[str]:
    diffs = []
    for section in ("indicators", "members"):
        for key in sorted(set(a[section]) | set(b[section])):
            if a[section].get(key) != b[section].get(key):
                left, right = a[section].get(key), b[section].get(key)
                if isinstance(left, dict) and isinstance(right, dict):
                    fields = [k for k in set(left) | set(right) if left.get(k) != right.get(k)]
                    detail = {k: [left.get(k), right.get(k)] for k in sorted(fields)}
                else:
                    detail = [left, right]
                diffs.append(f"{section} {key}: {detail}")
    return diffs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="SQLite file to export")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--wait-idle", type=float, default=0.0, help="wait for this CPU idle share first"
    )
    parser.add_argument("--wait-max", type=float, default=900, help="seconds to wait at most")
    args = parser.parse_args()
    from benchenv import cpu_times, load, wait_idle

    idle_before = wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else []
    load_before = load()
    cpu0 = cpu_times()
    source = Path(args.source).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="chibo-roundtrip-"))
    book = tmp / "workbook.xlsx"
    exports, imports = [], []
    for run in range(args.runs):
        started = time.monotonic()
        manage(source, "export_workbook", "--out", str(book), capture=True)
        exports.append(time.monotonic() - started)
        target = tmp / f"target-{run}.sqlite3"
        manage(target, "migrate", "-v0")
        started = time.monotonic()
        manage(target, "import_workbook", str(book), "--accept-warnings", capture=True)
        imports.append(time.monotonic() - started)
    cpu1 = cpu_times()
    idle_during = (cpu1[0] - cpu0[0]) / max(cpu1[1] - cpu0[1], 1)
    print(f"export {statistics.median(exports):.1f} s, import {statistics.median(imports):.1f} s")
    a = dump(source, tmp / "a.json")
    b = dump(target, tmp / "b.json")
    diffs = compare(a, b)
    n_ind = len(a["indicators"])
    n_mem = len(a["members"])
    for line in diffs[:50]:
        print(line)
    verdict = "identical" if not diffs else f"{len(diffs)} differences"
    print(f"{n_ind} organization-dates, {n_mem} members: {verdict}")
    from benchenv import command_line, git, machine, now

    m = machine()
    lines = [
        "# Benchmark: workbook round trip (export, import into an empty database, compare)",
        "",
        f"- command: `{command_line('bench/workbook_round_trip.py')}`",
        f"- date: {now()}",
        f"- commit: {git()['commit']}",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python "
        f"{m['python']}, Django {m['django']}",
        f"- load: average {load_before} before, {load()} after; CPU idle "
        + (f"{idle_before} (5 s samples) before, " if idle_before else "")
        + f"{idle_during:.0%} over the timed runs (~50%: nothing else competed, the run keeps one "
        "core busy)",
        f"- workbook: {book.stat().st_size // 1024} KB",
        f"- export (the `export_workbook` process, start-up included): median "
        f"{statistics.median(exports):.1f} s of {', '.join(f'{x:.1f}' for x in exports)} "
        "(goal < 20 s)",
        f"- import into a migrated empty database (the `import_workbook` process): median "
        f"{statistics.median(imports):.1f} s of {', '.join(f'{x:.1f}' for x in imports)} "
        "(goal < 20 s)",
        f"- compared: every indicator of {n_ind} organization-dates (every organization × "
        f"{', '.join(DATES)}) and the record and cell history of {n_mem} members: **{verdict}**",
    ]
    lines += [f"  - {d}" for d in diffs[:20]]
    out = ROOT / "bench" / "results" / "workbook-round-trip-sqlite.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"written {out}")
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
