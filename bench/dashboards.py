#!/usr/bin/env python
"""Issue 13's goal for the dashboards: the demo district's dashboard p95 < 500 ms on SQLite.
Also times a commune's and a cell's dashboard, at the demo's end (31/03/2023) and on a date
where the 36 months hold little data (today, at the demo's build).

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python manage.py demo \
        --password bench-password-not-secret
    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/dashboards.py

Each row: W warm-up requests, then N timed ones through django.test.Client, as the demo's
org-board admin (`demo-admin`), then one more under CaptureQueriesContext for the query count.
"computed" empties the cache before each request (as after a change); "seen before" reads the
dashboard kept until the next audited change. Writes
bench/results/dashboards-sqlite.{md,json} with the command, commit and machine.
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

GOAL_MS = 500


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
    end = "as_of=31/03/2023"
    district_url = f"/reports/org/{district.pk}/dashboard/?{end}"
    out = [
        ("dashboard, district, 31/03/2023, computed (cache emptied)", district_url, True),
        ("dashboard, district, 31/03/2023, seen before", district_url, False),
        (
            "dashboard, district, today, computed",
            f"/reports/org/{district.pk}/dashboard/?as_of=",
            True,
        ),
        (
            "dashboard, commune, 31/03/2023, computed",
            f"/reports/org/{commune.pk}/dashboard/?{end}",
            True,
        ),
        ("dashboard, cell, 31/03/2023, computed", f"/reports/org/{cell.pk}/dashboard/?{end}", True),
    ]
    return users["demo-admin"], out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--wait-idle", type=float, default=0.0)
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    waited = benchenv.wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else None
    admin, todo = rows()
    client = web_client(admin)
    report = {
        "command": benchenv.command_line("bench/dashboards.py"),
        "date": benchenv.now(),
        **benchenv.git(),
        "machine": benchenv.machine(),
        "load_before": benchenv.load(),
        "idle_samples_before": waited,
        "goal": f"dashboard of the demo district: p95 < {GOAL_MS} ms (SQLite)",
        "rows": [],
    }
    report["rows"] = benchenv.time_urls(
        client, todo, measure=measure, n=args.n, warmup=args.warmup, budget=args.budget
    )
    report["load_after"] = benchenv.load()
    if args.no_save:
        return
    out = Path(args.out)
    (out / "dashboards-sqlite.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"
    )
    lines = [
        "# Dashboards on the demo district (SQLite)",
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
        "work held both cores and wall times stretch; the median CPU time (Django, templates and",
        "SQLite, all in this process) is what a request costs an idle machine.",
        '"computed" empties the cache before each request (as after a change); "seen before"',
        "reads the dashboard kept until the next audited change.",
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
    (out / "dashboards-sqlite.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
