#!/usr/bin/env python
"""Issue 11's goals for the member statistics: the statistics of the demo district, p95 < 150 ms
on SQLite; those of a 100.000-member province, < 1 s on PostgreSQL. Also times the commune's and
a cell's statistics, the list behind a figure, the .xlsx, and (demo) the party-age badge lists
of the district and of a commune.

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python manage.py demo \
        --password bench-password-not-secret
    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/member_statistics.py

    bench/pg.sh start province && eval "$(bench/pg.sh env province)"
    .venv/bin/python bench/generate.py --scale province
    .venv/bin/python bench/workbook_province.py history   # 2021-2025: transfers, deaths...
    .venv/bin/python bench/member_statistics.py --scale province

--scale province reads the province as `bench-admin` (its commune and cell as generate.py's
`bench-commune` and `bench-secretary` hold them) over the half years of 2025, and writes
member-statistics-province-postgresql.{md,json}.

Each row: W warm-up requests, then N timed ones through django.test.Client, as the demo's
org-board admin (`demo-admin`), then one more under CaptureQueriesContext for the query count.
Writes bench/results/member-statistics-sqlite.{md,json} (or -province-postgresql) with the
command, commit, machine and load.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import benchenv  # noqa: E402
import django  # noqa: E402

django.setup()

from run import measure, web_client  # noqa: E402

from chibo.accounts.models import User  # noqa: E402
from config import wsgi  # noqa: E402, F401

GOAL_MS = 150
PERIODS = {"H2 2022": ("01/07/2022", "31/12/2022"), "H1 2022": ("01/01/2022", "30/06/2022")}
SCALES = {
    # users (board, commune, cell), periods, goal, result file, the top organization's name
    "demo": (
        ("demo-admin", "demo-commune", "demo-secretary"),
        PERIODS,
        f"statistics of the demo district: p95 < {GOAL_MS} ms (SQLite)",
        "member-statistics-sqlite",
        "district",
    ),
    "province": (
        ("bench-admin", "bench-commune", "bench-secretary"),
        {"H2 2025": ("01/07/2025", "31/12/2025"), "H1 2025": ("01/01/2025", "30/06/2025")},
        "statistics of a 100.000-member province: p95 < 1 s (PostgreSQL)",
        "member-statistics-province-postgresql",
        "province",
    ),
}


def _role_org(user):
    return user.roles.select_related("organization").order_by("organization__path")[0].organization


def rows(scale="demo"):
    names, periods, _goal, _name, top = SCALES[scale]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if len(users) != 3:
        raise SystemExit(f"No users {', '.join(names)}: build the database first (see above).")
    district = _role_org(users[names[0]])
    commune = _role_org(users[names[1]])
    cell = _role_org(users[names[2]])
    out = []
    for label, (start, end) in periods.items():
        q = f"start={start}&end={end}"
        url = f"/members/statistics/{district.pk}/?{q}"
        out.append((f"statistics, {top}, {label}, computed (cache emptied)", url, True))
        out.append((f"statistics, {top}, {label}, seen before", url, False))
    start, end = next(iter(periods.values()))
    q = f"start={start}&end={end}"
    # A figure with members behind it (generate.py's members are "imported", none admitted).
    figure = "admitted" if scale == "demo" else "died"
    out += [
        ("statistics, commune, " + next(iter(periods)), f"/members/statistics/{commune.pk}/?{q}"),
        ("statistics, cell, " + next(iter(periods)), f"/members/statistics/{cell.pk}/?{q}"),
        (f"statistics .xlsx, {top}", f"/members/statistics/{district.pk}/?{q}&format=xlsx"),
        (
            f"members behind a figure ({top}, {figure})",
            f"/members/statistics/{district.pk}/members/?{q}&key=change:{figure}",
        ),
    ]
    if scale == "demo":
        out += [
            ("badges, district, 2023", f"/members/badges/{district.pk}/?year=2023"),
            ("badges, commune, 2023", f"/members/badges/{commune.pk}/?year=2023"),
        ]
    return users[names[0]], [row if len(row) == 3 else (*row, True) for row in out]


def benchenv_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="demo")
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=20.0)
    parser.add_argument("--wait-idle", type=float, default=0.0)
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--note", action="append", default=[], help="a note for the result")
    args = parser.parse_args()
    waited = benchenv.wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else None
    admin, todo = rows(args.scale)
    _names, _periods, goal, result_name, top = SCALES[args.scale]
    client = web_client(admin)
    report = {
        "command": benchenv.command_line("bench/member_statistics.py"),
        "date": benchenv.now(),
        **benchenv.git(),
        "machine": benchenv.machine(),
        "load_before": benchenv.load(),
        "notes": args.note,
        "idle_samples_before": waited,
        "goal": goal,
        "database": benchenv_database(),
        "rows": [],
    }
    report["rows"] = benchenv.time_urls(
        client, todo, measure=measure, n=args.n, warmup=args.warmup, budget=args.budget, width=48
    )
    report["load_after"] = benchenv.load()
    if args.no_save:
        return
    out = Path(args.out)
    (out / f"{result_name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"
    )
    lines = [
        f"# Member statistics on the {'demo ' if args.scale == 'demo' else ''}{top}"
        f" ({report['database']})",
        "",
        f"Goal: {report['goal']}.",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}, commit {report['commit'][:12]}"
        + (f" (uncommitted: {', '.join(report['dirty'])})" if report.get("dirty") else ""),
        f"- machine: {report['machine']}",
        f"- load before / after: {report['load_before']} / {report['load_after']}",
        *(f"- note: {note}" for note in args.note),
        "",
        "CPU idle is the idle share of both cores during a row's timed requests: near 0, others'",
        "work held both cores and wall times stretch 3–4 times; the median CPU time (Django,",
        "templates and, on SQLite, the database, all in this process; PostgreSQL's own CPU is",
        "not in it) is about what a request costs an idle machine.",
        '"computed" empties the cache before each request (as after a change); "seen before"',
        "reads the figures kept until the next audited change.",
        "",
        "| row | n | median ms | p95 ms | median CPU ms | CPU idle | queries | bytes |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in report["rows"]:
        lines.append(
            f"| {r['name']} | {r.get('n', '—')} | {r.get('median_ms', r.get('error'))} | "
            f"{r.get('p95_ms', '—')} | {r.get('median_cpu_ms', '—')} | {r.get('cpu_idle', '—')} | "
            f"{r.get('queries', '—')} | {r.get('bytes', '—')} |"
        )
    (out / f"{result_name}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
