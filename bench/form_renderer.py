#!/usr/bin/env python
"""The meeting record page, the heaviest form page, under Django's two form renderers: Jinja2,
the one chibo.core.renderers.RENDERER gives the record form and the member filters (ADR 0011),
and the default DjangoTemplates. Until 97f9186 a third, chibo's hand-written Python renderer,
was the reference: results/form-renderer-sqlite-97f9186.md has the three.

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/form_renderer.py

On the demo database (`manage.py demo --password bench-password-not-secret`): the record page
of the not yet confirmed regular meeting with the longest roll, GET by the district's admin
through django.test.Client (the whole stack). The renderers take turns request by request, so
others' work on the shared machine weighs on each alike; the CPU time of this process per
request is reported beside the wall time (on SQLite it covers the database too). Also timed:
rendering the page's form alone (every field's widget, label and errors, as the page does).
The page's goal (bench/README.md, issue 9): p95 < 150 ms. Writes
bench/results/form-renderer-sqlite.{md,json}.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import benchenv  # noqa: E402
import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.forms.renderers import DjangoTemplates  # noqa: E402

from chibo.accounts.models import User  # noqa: E402
from chibo.accounts.scope import Scope  # noqa: E402
from chibo.core.renderers import RENDERER  # noqa: E402
from chibo.meetings.models import CellMeeting  # noqa: E402
from chibo.meetings.record import forms as record_forms  # noqa: E402
from chibo.meetings.record import views as record_views  # noqa: E402

# As a server worker does on start (config/wsgi.py).
from config import wsgi  # noqa: E402, F401

sys.path.insert(0, str(ROOT / "bench"))
from run import p95, web_client  # noqa: E402

GOAL_MS = 150
# What differs from one request to the next whatever the renderer: the CSRF token, the form's
# submission key.
_PER_REQUEST = re.compile(
    rb'(csrfmiddlewaretoken" value=|X-CSRFToken": |submission_key" value=)"[^"]*"'
)
_SPACE = re.compile(rb"\s+")


def markup(body: bytes) -> bytes:
    return _PER_REQUEST.sub(rb'\1""', body)


REFERENCE = "DjangoTemplates (the default)"


def renderers() -> dict:
    return {"Jinja2 (core.renderers)": RENDERER, REFERENCE: DjangoTemplates()}


def heaviest_meeting(scope):
    """The open (not confirmed) regular meeting with the longest roll that `scope` may write."""
    candidates = (
        CellMeeting.objects.filter(kind=CellMeeting.Kind.REGULAR)
        .exclude(status__in=[CellMeeting.Status.PLANNED, CellMeeting.Status.CONFIRMED])
        .annotate(roll=Count("attendance"))
        .order_by("-roll", "-pk")
        .select_related("cell")
    )
    for meeting in candidates[:50]:
        if scope.can_write(meeting.cell):
            return meeting
    raise SystemExit("no open meeting the admin may record: build the demo database first")


def form_only(request, meeting):
    """The record page's form, built as the view builds it, then every field rendered."""
    form = record_views._record_form(request, meeting)
    return "".join(str(bf) + str(bf.label_tag()) + str(bf.errors) for bf in form)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=40, help="timed requests per renderer")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--wait-idle", type=float, default=0.0, help="wait for this CPU idle share")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = ap.parse_args()
    waited = benchenv.wait_idle(args.wait_idle, timeout=900) if args.wait_idle else None

    admin = User.objects.get(username="demo-admin")
    meeting = heaviest_meeting(Scope.for_user(admin))
    client = web_client(admin)
    url = f"/meetings/{meeting.pk}/record/"
    choices = renderers()
    original = record_forms.RecordForm.default_renderer

    def get(renderer):
        record_forms.RecordForm.default_renderer = renderer
        return client.get(url)

    bodies = {}
    for name, renderer in choices.items():
        for _ in range(args.warmup):
            resp = get(renderer)
        assert resp.status_code == 200, (name, resp.status_code)
        bodies[name] = resp.content
    request = resp.wsgi_request
    fields = len(record_views._record_form(request, meeting).fields)

    wall = {name: [] for name in choices}
    cpu = {name: [] for name in choices}
    alone = {name: [] for name in choices}
    idle0, total0 = benchenv.cpu_times()
    for _ in range(args.n):
        for name, renderer in choices.items():  # in turn: the same load on each
            t0, c0 = time.perf_counter(), time.process_time()
            resp = get(renderer)
            wall[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
            assert resp.status_code == 200
            t0 = time.perf_counter()
            form_only(request, meeting)
            alone[name].append((time.perf_counter() - t0) * 1000)
    idle1, total1 = benchenv.cpu_times()
    record_forms.RecordForm.default_renderer = original

    reference = markup(bodies[REFERENCE])
    rows = []
    for name in choices:
        rows.append(
            {
                "renderer": name,
                "n": args.n,
                "median_ms": round(statistics.median(wall[name]), 1),
                "p95_ms": round(p95(wall[name]), 1),
                "median_cpu_ms": round(statistics.median(cpu[name]), 1),
                "form_alone_median_ms": round(statistics.median(alone[name]), 1),
                "bytes": len(bodies[name]),
                "same_html_as_default": markup(bodies[name]) == reference,
                "same_html_but_whitespace": _SPACE.sub(b"", markup(bodies[name]))
                == _SPACE.sub(b"", reference),
                "meets_goal": p95(wall[name]) < GOAL_MS,
            }
        )
    report = {
        "what": "meeting record page, GET, by renderer",
        "url": url,
        "meeting": {"pk": meeting.pk, "cell": str(meeting.cell), "roll": meeting.roll},
        "form_fields": fields,
        "goal_p95_ms": GOAL_MS,
        "rows": rows,
        "cpu_idle": round((idle1 - idle0) / max(total1 - total0, 1), 2),
        "waited_idle": waited,
        "command": benchenv.command_line("bench/form_renderer.py"),
        "date": benchenv.now(),
        "git": benchenv.git(),
        "machine": benchenv.machine(),
        "load": benchenv.load(),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "form-renderer-sqlite.json").write_text(json.dumps(report, indent=2, default=str))
    (out / "form-renderer-sqlite.md").write_text(markdown(report))
    print(markdown(report))


def same(row) -> str:
    return "whitespace differs only" if row["same_html_but_whitespace"] else "no"


def markdown(r) -> str:
    lines = [
        "# Form renderers on the meeting record page (SQLite, demo district)",
        "",
        f"- command: `{r['command']}`",
        f"- date: {r['date']}, commit {r['git']['commit'][:12]}"
        + (f" (uncommitted: {', '.join(r['git']['dirty'])})" if r["git"].get("dirty") else ""),
        f"- machine: {r['machine']['nproc']} cores, {r['machine']['cpu']}, Python "
        f"{r['machine']['python']}, Django {r['machine']['django']}; load {r['load']}, "
        f"CPU idle during the runs {r['cpu_idle']:.0%}",
        f"- page: `{r['url']}` ({r['meeting']['cell']}, roll of {r['meeting']['roll']}, "
        f"{r['form_fields']} form fields), GET by demo-admin; renderers in turn, request by "
        "request",
        f"- goal: p95 < {r['goal_p95_ms']} ms",
        "",
        "| renderer | N | median ms | p95 ms | CPU ms (median) | form alone ms (median) "
        "| bytes | same HTML as the default | goal |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in r["rows"]:
        lines.append(
            f"| {row['renderer']} | {row['n']} | {row['median_ms']} | {row['p95_ms']} | "
            f"{row['median_cpu_ms']} | {row['form_alone_median_ms']} | {row['bytes']} | "
            f"{'yes' if row['same_html_as_default'] else same(row)} | "
            f"{'✓' if row['meets_goal'] else '✗'} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
