#!/usr/bin/env python
"""Issue 11's goal for the member statistics: the statistics of the demo district, p95 < 150 ms
on SQLite. Also times the commune's and a cell's statistics, the list behind the closing figure,
the .xlsx, and the party-age badge lists of the district and of a commune.

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python manage.py demo \
        --password bench-password-not-secret
    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/member_statistics.py

Each row: W warm-up requests, then N timed ones through django.test.Client, as the demo's
org-board admin (`demo-admin`), then one more under CaptureQueriesContext for the query count.
Writes bench/results/member-statistics-sqlite.{md,json} with the command, commit and machine.
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

from django.core.cache import cache  # noqa: E402
from run import measure, web_client  # noqa: E402

from chibo.accounts.models import User  # noqa: E402
from config import wsgi  # noqa: E402, F401

GOAL_MS = 150
PERIODS = {"H2 2022": ("01/07/2022", "31/12/2022"), "H1 2022": ("01/01/2022", "30/06/2022")}


def _role_org(user):
    return user.roles.select_related("organization").order_by("organization__path")[0].organization


def rows():
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["demo-admin", "demo-commune", "demo-secretary"])
    }
    if len(users) != 3:
        raise SystemExit("No demo users: build the database with `manage.py demo` first.")
    district = _role_org(users["demo-admin"])
    commune = _role_org(users["demo-commune"])
    cell = _role_org(users["demo-secretary"])
    out = []
    for label, (start, end) in PERIODS.items():
        q = f"start={start}&end={end}"
        url = f"/members/statistics/{district.pk}/?{q}"
        out.append((f"statistics, district, {label}, computed (cache emptied)", url, True))
        out.append((f"statistics, district, {label}, seen before", url, False))
    q = "start=01/07/2022&end=31/12/2022"
    out += [
        ("statistics, commune, H2 2022", f"/members/statistics/{commune.pk}/?{q}"),
        ("statistics, cell, H2 2022", f"/members/statistics/{cell.pk}/?{q}"),
        ("statistics .xlsx, district", f"/members/statistics/{district.pk}/?{q}&format=xlsx"),
        (
            "members behind a figure (district, admitted)",
            f"/members/statistics/{district.pk}/members/?{q}&key=change:admitted",
        ),
        ("badges, district, 2023", f"/members/badges/{district.pk}/?year=2023"),
        ("badges, commune, 2023", f"/members/badges/{commune.pk}/?year=2023"),
    ]
    return users["demo-admin"], [row if len(row) == 3 else (*row, True) for row in out]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=20.0)
    parser.add_argument("--wait-idle", type=float, default=0.0)
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    waited = benchenv.wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else None
    admin, todo = rows()
    client = web_client(admin)
    report = {
        "command": benchenv.command_line("bench/member_statistics.py"),
        "date": benchenv.now(),
        **benchenv.git(),
        "machine": benchenv.machine(),
        "load_before": benchenv.load(),
        "idle_samples_before": waited,
        "goal": f"statistics of the demo district: p95 < {GOAL_MS} ms (SQLite)",
        "rows": [],
    }
    for name, url, cold in todo:

        def call(url=url, cold=cold):
            if cold:  # as after a change: the statistics computed again
                cache.clear()
            return client.get(url)

        result = measure(call, n=args.n, warmup=args.warmup, budget=args.budget)
        result.pop("slowest_queries", None)
        row = {"name": name, "url": url, **result}
        report["rows"].append(row)
        print(
            f"{name:48} p95 {row.get('p95_ms', '—'):>7} ms  median {row.get('median_ms', '—'):>7}"
            f"  cpu {row.get('median_cpu_ms', '—'):>6}  q {row.get('queries', '—')}",
            flush=True,
        )
    report["load_after"] = benchenv.load()
    if args.no_save:
        return
    out = Path(args.out)
    (out / "member-statistics-sqlite.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"
    )
    lines = [
        "# Member statistics and badge lists on the demo district (SQLite)",
        "",
        f"Goal: {report['goal']}.",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}, commit {report['commit'][:12]}"
        + (f" (uncommitted: {', '.join(report['dirty'])})" if report.get("dirty") else ""),
        f"- machine: {report['machine']}",
        f"- load before / after: {report['load_before']} / {report['load_after']}",
        "",
        "CPU idle is the idle share of both cores during a row's timed requests: near 0, others'",
        "work held both cores and wall times stretch 3–4 times; the median CPU time (Django,",
        "templates and SQLite, all in this process) is what a request costs an idle machine.",
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
    (out / "member-statistics-sqlite.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
