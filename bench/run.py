#!/usr/bin/env python
"""Benchmark the main pages and API calls in-process (server time) against a generated database.

    CHIBO_SQLITE_PATH=bench/data/district.sqlite3 .venv/bin/python bench/run.py --scale district
    DATABASE_URL=postgres://... .venv/bin/python bench/run.py --scale province
    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/run.py --scale demo

The database comes from bench/generate.py (its bench-* users and their roles), or for --scale
demo from `manage.py demo` (the committee, training and contest pages: bench/demo_pages.py). W
warm-up requests, then N timed requests through django.test.Client (the whole Django stack,
middleware, sessions and templates included; no network), then one more request under
CaptureQueriesContext for the query count (not timed). A row whose warm-up is slow gets fewer
timed requests (--budget seconds per row, at least 5); the N used is recorded.

Writes bench/results/<scale>-<database>.json and .md (or --name): medians, p95, query counts,
the slowest queries of each row, the command line, date, commit, machine and database.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import benchenv  # noqa: E402
import django  # noqa: E402

django.setup()

import demo_pages  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from chibo.accounts.models import User  # noqa: E402
from chibo.core import dates, vn  # noqa: E402
from chibo.members import views as member_views  # noqa: E402
from chibo.members.models import Member  # noqa: E402
from chibo.organizations.models import Organization  # noqa: E402

# As a server worker does on start (config/wsgi.py): the URLconf loaded, then everything loaded so
# far set aside from the garbage collector.
from config import wsgi  # noqa: E402, F401

PASSWORD = "bench-password-not-secret"  # as bench/generate.py sets it
SEARCH = "nguyen van"
# The goals of the brief, by scale: (predicate on the row, p95 limit in ms).
GOALS = {
    "district": [(lambda r: True, 150)],
    "province": [(lambda r: r["kind"] == "search", 50)],
    # Issue 13 part 5: the superuser's tree and the nation's member list, its page 20 as fast
    # as the first (all viewers' page 20 held to it), a province's dashboard.
    "national": [
        (lambda r: r["persona"] == "central" and r["name"] == "org tree", 300),
        (lambda r: r["persona"] == "central" and r["name"] == "member list", 300),
        (lambda r: r["name"].startswith(("member list: page 20 (", "API members page 20 (")), 300),
        (lambda r: r["name"].startswith("dashboard: province"), 500),
    ],
    "demo": [(lambda r: True, 150)],  # issue 3: every committee, training and contest page
}


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


# --- sign-in ---------------------------------------------------------------------------------
def web_client(user) -> Client:
    """Signed in past the TOTP step, as conftest.login_client does."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def api_token(user):
    """POST /api/v1/auth/token with the password (and a current TOTP code); None if no API."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    body = {"username": user.username, "password": PASSWORD}
    if device is not None:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        body["otp"] = f"{totp.token():0{device.digits}d}"
    resp = Client().post("/api/v1/auth/token", body, content_type="application/json")
    if resp.status_code != 200:
        return None, f"POST /api/v1/auth/token answered {resp.status_code}: {resp.content[:200]!r}"
    return resp.json()["token"], None


# --- what to request -------------------------------------------------------------------------
def discover():
    """The personas' users and the organizations and member the rows point at."""
    users = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    if "bench-admin" not in users:
        raise SystemExit("No bench-* users: generate the database with bench/generate.py first.")

    def role_org(username):
        return users[username].roles.select_related("organization").get().organization

    root, commune, cell = (
        role_org("bench-admin"),
        role_org("bench-commune"),
        role_org("bench-secretary"),
    )
    district = (
        commune.parent if commune.parent and commune.parent.kind == "district_committee" else None
    )
    large = (
        Member.objects.in_cell()
        .under(root)
        .values("cell_id")
        .annotate(n=Count("id"))
        .order_by("-n", "cell_id")
        .first()
    )
    large_cell = Organization.objects.get(pk=large["cell_id"])
    member = Member.objects.in_cell().filter(cell=cell).order_by("sort_key", "id").first()
    return {
        "users": users,
        "root": root,
        "district": district if district and district.pk != root.pk else None,
        "commune": commune,
        "cell": cell,
        "large_cell": large_cell,
        "large_cell_members": large["n"],
        "cell_members": Member.objects.in_cell().filter(cell=cell).count(),
        "member": member,
        "page20_after": page20_after(root),
    }


PAGE20 = "member list: page 20 (after the pager's «Sau» links)"
API_PAGE20 = "API members page 20 (after=, the previous page's next_after)"


def page20_after(root) -> dict[str, int]:
    """The member the 20th page of each list starts after (the 950th): the superuser's (the
    country) and the admin's (the first root). Read once, by skipping."""
    ordered = Member.objects.in_cell().order_by("sort_key", "id").values_list("pk", flat=True)
    return {"central": ordered[949], "admin": ordered.under(root)[949]}


def time_report(root, runs=3) -> dict:
    """`manage.py report --org <root> --as-of <today>` (issue 13: < 10 s for a province): the
    whole process, `runs` times (wall and CPU), the .docx written to a temporary file."""
    import resource
    import subprocess
    import tempfile

    out = Path(tempfile.mkdtemp()) / "report.docx"
    cmd = [sys.executable, "manage.py", "report", "--org", root.code]
    cmd += ["--as-of", dates.today().isoformat(), "--out", str(out)]
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd, cwd=ROOT, env=benchenv.child_env(), capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            return {"error": proc.stderr[-2000:]}
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        samples.append((wall, cpu, proc.stdout.strip()))
    result = {
        "command": " ".join(["manage.py", *cmd[2:-1], "FILE.docx"]),
        "runs": runs,
        "wall_s": [round(w, 2) for w, _, _ in samples],
        "cpu_s": [round(c, 2) for _, c, _ in samples],
        "median_wall_s": round(statistics.median(w for w, _, _ in samples), 2),
        "max_wall_s": round(max(w for w, _, _ in samples), 2),
        "output": samples[-1][2],
        "goal_s": 10,
    }
    print(
        f"manage.py report (province {root.code}): median {result['median_wall_s']} s wall, "
        f"max {result['max_wall_s']} s",
        flush=True,
    )
    return result


def rows_for(t, scale, personas):
    """(persona, name, kind, method, url, options) for every benchmarked request."""
    root, commune, cell, member = t["root"], t["commune"], t["cell"], t["member"]
    selective = vn.fold(member.full_name)
    q = urlencode({"q": SEARCH})
    rows = []
    cell_url = f"/org/{cell.pk}/"

    def api_org(org):
        return f"/api/v1/organizations/{org.pk}"

    def add(persona, name, kind, url, **opts):
        if persona in personas:
            rows.append((persona, name, kind, "GET", url, opts))

    for p in ("admin", "central"):
        add(p, "org tree", "page", "/org/")
        add(p, "org tree: expand the root (HTMX)", "page", f"/org/?node={root.pk}", htmx=True)
        add(p, "org detail: root", "page", f"/org/{root.pk}/")
        add(p, "org detail: root, after a change (cold)", "page", f"/org/{root.pk}/", cold=True)
        add(
            p,
            "org detail: root, its indicators after a change (cold, HTMX)",
            "page",
            f"/org/{root.pk}/indicators/",
            cold=True,
            htmx=True,
        )
        if t["district"]:
            add(p, "org detail: district", "page", f"/org/{t['district'].pk}/")
        add(p, "org detail: grassroots (commune)", "page", f"/org/{commune.pk}/")
        add(p, f"org detail: cell ({t['cell_members']} members)", "page", f"/org/{cell.pk}/")
        add(
            p,
            f"org detail: largest cell ({t['large_cell_members']} members)",
            "page",
            f"/org/{t['large_cell'].pk}/",
        )
        add(p, "member list", "list", "/members/")
        if t["district"]:
            add(p, "member list: district subtree", "list", f"/members/?org={t['district'].pk}")
        add(p, "member list: grassroots subtree", "list", f"/members/?org={commune.pk}")
        add(p, f'member search "{SEARCH}"', "search", f"/members/?{q}")
        add(p, f'member search "{SEARCH}" as typed (HTMX)', "search", f"/members/?{q}", htmx=True)
        # The count line a search's page fetches after showing its rows.
        counted = f'member search "{SEARCH}": its count (HTMX, after)'
        add(p, counted, "search", f"/members/count/?{q}", htmx=True)
        add(p, "member search: one full name", "search", f"/members/?{urlencode({'q': selective})}")
        # Page 20 as the pager reaches it: after the 950th member of the list (core.keyset).
        after = t["page20_after"][p]
        add(p, PAGE20, "list", f"/members/?after={after}&page=20")
        add(
            p,
            "member list: page 20 by its number (?page=20, a bookmark)",
            "list",
            "/members/?page=20",
        )
        add(p, "member detail", "page", f"/members/{member.pk}/")
        add(p, f'API members ?q="{SEARCH}"', "search", f"/api/v1/members?{q}", api=True)
        add(p, API_PAGE20, "list", f"/api/v1/members?after={after}&page=20", api=True)
        add(p, "API organization: root", "page", f"/api/v1/organizations/{root.pk}", api=True)
        add(p, "API organization: commune", "page", f"/api/v1/organizations/{commune.pk}", api=True)
    dashboard = f"/reports/org/{root.pk}/dashboard/"
    add("admin", "dashboard: province, computed (cache emptied)", "page", dashboard, cold=True)
    add("admin", "dashboard: province, seen before", "page", dashboard)
    add("commune", "org tree", "page", "/org/")
    add("commune", "org detail: own commune", "page", f"/org/{commune.pk}/")
    add(
        "commune",
        "org detail: own commune, after a change (cold)",
        "page",
        f"/org/{commune.pk}/",
        cold=True,
    )
    add(
        "commune",
        "org detail: own commune, its indicators after a change (cold, HTMX)",
        "page",
        f"/org/{commune.pk}/indicators/",
        cold=True,
        htmx=True,
    )
    add("commune", f"org detail: cell ({t['cell_members']} members)", "page", f"/org/{cell.pk}/")
    add("commune", "member list", "list", "/members/")
    add("commune", f'member search "{SEARCH}"', "search", f"/members/?{q}")
    typed = f'member search "{SEARCH}" as typed (HTMX)'
    add("commune", typed, "search", f"/members/?{q}", htmx=True)
    counted = f'member search "{SEARCH}": its count (HTMX, after)'
    add("commune", counted, "search", f"/members/count/?{q}", htmx=True)
    add("commune", "member list: page 3", "list", "/members/?page=3")
    add("commune", "member detail", "page", f"/members/{member.pk}/")
    add("commune", f'API members ?q="{SEARCH}"', "search", f"/api/v1/members?{q}", api=True)
    add("commune", "API organization: commune", "page", api_org(commune), api=True)
    add("secretary", f"org detail: own cell ({t['cell_members']} members)", "page", cell_url)
    add("secretary", "member list", "list", "/members/")
    add("secretary", "member detail", "page", f"/members/{member.pk}/")
    add("secretary", "API members", "list", "/api/v1/members", api=True)
    return rows


# --- measuring ---------------------------------------------------------------------------------
def p95(samples):
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def explain(sql):
    """The plan of one captured query (PostgreSQL: EXPLAIN ANALYZE, BUFFERS)."""
    try:
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                return "\n".join(r[0] for r in c.fetchall())
            c.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(str(r[-1]) for r in c.fetchall())
    except Exception as e:  # a plan is a diagnostic extra, never a reason to stop
        return f"(no plan: {e})"


def measure(call, *, n, warmup, budget, min_n=5, expect=200):
    t0 = time.perf_counter()
    for _ in range(warmup):
        resp = call()
    warm = (time.perf_counter() - t0) / max(warmup, 1)
    if resp.status_code != expect:
        return {
            "error": f"status {resp.status_code}",
            "body": resp.content[:300].decode(errors="replace"),
        }
    n = min(n, max(min_n, int(budget / max(warm, 1e-6))))
    samples, cpu = [], []
    idle0, total0 = benchenv.cpu_times()
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        resp = call()
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        if resp.status_code != expect:
            return {"error": f"status {resp.status_code} during the timed requests"}
    idle1, total1 = benchenv.cpu_times()
    with CaptureQueriesContext(connection) as ctx:
        resp = call()
    slowest = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    return {
        "n": n,
        "median_ms": round(statistics.median(samples), 1),
        # CPU time of this process (Django, templates and, on SQLite, the database itself):
        # what the request costs on an idle machine, which others' work here hardly inflates.
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "p95_ms": round(p95(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "queries": len(ctx.captured_queries),
        # Idle share of all CPUs during the timed requests: this benchmark keeps about one of
        # two cores busy, so well under 50% means someone else's work was competing.
        "cpu_idle": round((idle1 - idle0) / max(total1 - total0, 1), 2),
        "bytes": len(resp.content),
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in slowest
        ],
    }


# --- context of the measurement ----------------------------------------------------------------
def database():
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SHOW server_version")
            version = "PostgreSQL " + c.fetchone()[0]
            settings = {}
            for name in (
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "random_page_cost",
                "jit",
                "max_parallel_workers_per_gather",
            ):
                c.execute(f"SHOW {name}")
                settings[name] = c.fetchone()[0]
            return {"vendor": "postgresql", "version": version, "settings": settings}
        c.execute("SELECT sqlite_version()")
        version = "SQLite " + c.fetchone()[0]
        return {"vendor": "sqlite", "version": version, "settings": {"journal_mode": "WAL"}}


def data_sizes(scale):
    sizes = {
        "organizations": Organization.objects.count(),
        "cells": Organization.objects.filter(kind="cell").count(),
        "members": Member.objects.count(),
    }
    if scale == "demo":
        sizes |= demo_pages.data_sizes()
    return sizes


# --- output ------------------------------------------------------------------------------------
def goal_of(scale, row):
    for pred, limit in GOALS[scale]:
        if pred(row):
            return limit
    return None


def markdown(report):
    m, db, data, git = report["machine"], report["database"], report["data"], report["git"]
    dirty = (
        f" (uncommitted changes outside bench/: {', '.join(git['dirty'])})" if git["dirty"] else ""
    )
    load = {k: ", ".join(map(str, v)) for k, v in report["load_average"].items()}
    title = (
        "the Mai Sơn demo database (`manage.py demo`): committee, training and contest pages, "
        f"as of {report['as_of']}"
        if report["scale"] == "demo"
        else f"{report['scale']} scale"
    )
    extra = ", ".join(f"{v:,} {k}" for k, v in list(data.items())[3:])
    lines = [
        f"# Benchmark: {title} on {db['version']}",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}",
        f"- commit: {git['commit']}{dirty}",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, Django {m['django']}",
        f"- database: {db['version']}, " + ", ".join(f"{k}={v}" for k, v in db["settings"].items()),
        f"- load average (1, 5, 15 min) before: {load['before']}; after: {load['after']} "
        "(the run itself adds about 1; other work on the machine inflates timings)"
        + (
            f"; CPU idle before the run: {', '.join(f'{x:.0%}' for x in report['cpu_idle_before'])}"
            if report.get("cpu_idle_before")
            else ""
        ),
        f"- data: {data['organizations']:,} organizations, {data['cells']:,} cells, "
        f"{data['members']:,} members" + (f", {extra}" if extra else ""),
        f"- method: in-process django.test.Client (server time, no network), "
        f"{report['warmup']} warm-ups, then N timed requests (N={report['n']}, fewer for a slow "
        f"row: {report['budget_s']:g} s budget per row, at least 5); the query count from one "
        "more request under CaptureQueriesContext; CPU idle: share of both cores left idle "
        "during the timed requests (the benchmark itself keeps about one busy, so ~50% means "
        "nothing else competed); median CPU ms: CPU time of the benchmark process per request "
        "(Django and templates, and the database itself on SQLite, not on PostgreSQL), which "
        "others' work on the machine hardly inflates: on SQLite, about what the request takes "
        "on an idle machine",
    ]
    lines += [f"- note: {n}" for n in report.get("notes", [])]
    lines += [
        "",
        "| persona | request | queries | median ms | p95 ms | median CPU ms | N | CPU idle "
        "| goal (p95) |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in report["rows"]:
        head = f"| {r['persona']} | {r['name']} |"
        if "error" in r:
            lines.append(f"{head} | | | | | | error: {r['error']} |")
            continue
        goal = r.get("goal_ms")
        mark = "" if goal is None else f"< {goal} " + ("✓" if r["p95_ms"] < goal else "✗ over")
        lines.append(
            f"{head} {r['queries']} | {r['median_ms']} | {r['p95_ms']} | "
            f"{r['median_cpu_ms']} | {r['n']} | "
            f"{r['cpu_idle']:.0%} | {mark} |"
        )
    if report.get("page_sizes"):
        sizes = report["page_sizes"]["sizes"]
        lines += ["", "Query counts at two page sizes (must not grow with the page size):", ""]
        lines += ["| request | " + " | ".join(f"page size {s}" for s in sizes) + " |"]
        lines += ["|---|" + "--:|" * len(sizes)]
        for name, counts in report["page_sizes"]["rows"].items():
            lines.append(f"| {name} | " + " | ".join(str(c) for c in counts) + " |")
    if report["scale"] == "demo":
        lines += demo_pages.markdown(report)
    rc = report.get("report_command")
    if rc:
        lines += [
            "",
            "The committee's report of the first root (a province nationally), as a process:",
            "",
        ]
        if "error" in rc:
            lines += [f"`{rc.get('command', 'manage.py report')}` failed: `{rc['error'][-300:]}`"]
        else:
            verdict = "✓" if rc["max_wall_s"] < rc["goal_s"] else "✗ over"
            lines += [
                f"- `{rc['command']}`: median {rc['median_wall_s']} s wall (runs "
                f"{', '.join(map(str, rc['wall_s']))} s; "
                f"CPU {', '.join(map(str, rc['cpu_s']))} s); "
                f"goal < {rc['goal_s']} s {verdict}",
                f"- output: {rc['output']}",
            ]
    slow = [r for r in report["rows"] if r.get("plan")]
    if slow:
        lines += ["", "## Slow rows: their slowest queries", ""]
        for r in slow:
            lines += [f"**{r['persona']} · {r['name']}** (p95 {r['p95_ms']} ms, "
                      f"{r['queries']} queries)", ""]  # fmt: skip
            lines += [f"- {q['ms']} ms: `{q['sql'][:400]}`" for q in r["slowest_queries"][:2]]
            lines += ["", "```", r["plan"][:3000], "```", ""]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--scale", choices=GOALS, required=True, help="names the result files and picks the goals"
    )
    ap.add_argument("--n", type=int, default=30, help="timed requests per row (default 30)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument(
        "--budget", type=float, default=60, help="seconds per row before N is cut (min 5)"
    )
    ap.add_argument(
        "--personas", default="admin,commune,secretary", help="comma-separated; central = superuser"
    )
    ap.add_argument("--only", default="", help="only rows whose name contains this text")
    ap.add_argument(
        "--page-sizes", default="25,100", help="member list sizes compared for query counts"
    )
    ap.add_argument("--name", default="", help="result file name (default <scale>-<database>)")
    ap.add_argument(
        "--explain-over",
        type=float,
        default=150,
        metavar="MS",
        help="record the plan of the slowest query of rows over their goal, or over MS",
    )
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"), help="results folder")
    ap.add_argument("--note", action="append", default=[], help="a note recorded with the results")
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        metavar="FRACTION",
        help="first wait (up to --wait-max) until the CPUs are this idle, e.g. 0.9",
    )
    ap.add_argument(
        "--wait-max",
        type=float,
        default=3600,
        metavar="SECONDS",
        help="longest wait for an idle machine (default 3600); then run anyway and record it",
    )
    ap.add_argument(
        "--indicator-runs",
        type=int,
        default=5,
        help="--scale demo: timed runs of manage.py indicators (default 5)",
    )
    args = ap.parse_args()
    personas = args.personas.split(",")
    idle_before = (
        benchenv.wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else []
    )
    load_before = benchenv.load()

    notes = list(args.note)
    pending = pending_migrations()
    if pending:
        # The code moved on since the data was generated: bring the schema up to date (new
        # tables start empty) and say so in the results.
        call_command("migrate", verbosity=0)
        notes.append(f"applied {len(pending)} migrations first: {', '.join(pending)}")
    demo = args.scale == "demo"
    if demo:
        t = demo_pages.discover()
        user_of = {p: t["users"][t["usernames"][p]] for p in personas}
    else:
        t = discover()
        user_of = {p: t["users"][f"bench-{p}"] for p in personas}
    tokens, clients = {}, {}
    for p, user in user_of.items():
        clients[p] = web_client(user)
        if demo:
            continue  # the demo rows are pages only
        tokens[p], problem = api_token(user)
        if problem:
            notes.append(f"API rows of {p} skipped: {problem}")
    report = {
        "scale": args.scale,
        "command": benchenv.command_line("bench/run.py"),
        "date": benchenv.now(),
        "git": benchenv.git(),
        "machine": benchenv.machine(),
        "database": database(),
        "data": data_sizes(args.scale),
        "targets": {k: t[k].pk for k in ("root", "commune", "cell", "large_cell", "member")}
        | {"district": t["district"].pk if t["district"] else None},
        "as_of": str(demo_pages.AS_OF) if demo else None,
        "n": args.n,
        "warmup": args.warmup,
        "budget_s": args.budget,
        "notes": notes,
        "rows": [],
    }
    print(f"{report['database']['version']}: {report['data']}", flush=True)
    rows = demo_pages.rows(t, personas) if demo else rows_for(t, args.scale, personas)
    for persona, name, kind, method, url, opts in rows:
        if args.only and args.only not in name:
            continue
        row = {"persona": persona, "name": name, "kind": kind, "method": method, "url": url}
        if opts.get("api"):
            if not tokens.get(persona):
                continue
            headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[persona]}"}
        else:
            headers = {"HTTP_HX_REQUEST": "true"} if opts.get("htmx") else {}
        client = Client() if opts.get("api") else clients[persona]

        cold = bool(opts.get("cold"))

        def call(client=client, url=url, headers=headers, cold=cold):
            if cold:  # the first visit after a change: the indicators are computed
                cache.clear()
            return client.get(url, **headers)

        row.update(measure(call, n=args.n, warmup=args.warmup, budget=args.budget))
        row["goal_ms"] = goal_of(args.scale, row)
        limit = row["goal_ms"] or args.explain_over
        if "error" not in row and row["p95_ms"] >= limit and row["slowest_queries"]:
            row["plan"] = explain(row["slowest_queries"][0]["sql"])
        report["rows"].append(row)
        if "error" in row:
            result = row["error"]
        else:
            result = (
                f"{row['queries']:3} q  median {row['median_ms']:8.1f} ms  "
                f"p95 {row['p95_ms']:8.1f} ms  CPU {row['median_cpu_ms']:7.1f} ms  N={row['n']}"
            )
        print(f"{persona:9} {name:48} {result}", flush=True)

    if not demo and not args.only and "admin" in personas:
        report["report_command"] = time_report(t["root"])
    if demo and not args.only:
        report["list_lengths"] = demo_pages.list_lengths(t, clients)
        report["indicators_command"] = demo_pages.time_indicators(t, runs=args.indicator_runs)
    sizes = [int(s) for s in args.page_sizes.split(",") if s]
    if sizes and "admin" in personas and not args.only and not demo:
        counts = {
            "member list (admin)": [],
            f'member search "{SEARCH}" (admin)': [],
            "API members (admin)": [],
        }
        saved = member_views.PAGE_SIZE
        try:
            for size in sizes:
                member_views.PAGE_SIZE = size  # the view's page size, changed for this process only
                for label, url, api in (
                    ("member list (admin)", "/members/", False),
                    (
                        f'member search "{SEARCH}" (admin)',
                        f"/members/?{urlencode({'q': SEARCH})}",
                        False,
                    ),
                    ("API members (admin)", f"/api/v1/members?page_size={size}", True),
                ):
                    if api and not tokens.get("admin"):
                        counts.pop(label, None)
                        continue
                    if api:
                        client, headers = (
                            Client(),
                            {"HTTP_AUTHORIZATION": f"Bearer {tokens['admin']}"},
                        )
                    else:
                        client, headers = clients["admin"], {}
                    client.get(url, **headers)
                    with CaptureQueriesContext(connection) as ctx:
                        resp = client.get(url, **headers)
                    counts[label].append(
                        len(ctx.captured_queries)
                        if resp.status_code == 200
                        else f"status {resp.status_code}"
                    )
        finally:
            member_views.PAGE_SIZE = saved
        report["page_sizes"] = {"sizes": sizes, "rows": counts}
        print(f"query counts at page sizes {sizes}: {counts}")

    report["load_average"] = {"before": load_before, "after": benchenv.load()}
    report["cpu_idle_before"] = idle_before
    if not args.no_save:
        name = args.name or f"{args.scale}-{report['database']['vendor']}"
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"
        )
        (out / f"{name}.md").write_text(markdown(report))
        print(f"wrote {out}/{name}.json and .md")


if __name__ == "__main__":
    main()
