#!/usr/bin/env python
"""Time the demo build: `manage.py demo` into a fresh SQLite database, several times.

    .venv/bin/python bench/time_demo.py            # 3 runs, median against the 60 s goal

Each run migrates a new bench/data/demo-run.sqlite3 (timed apart, not counted; it also fills
the bytecode cache, see benchenv.child_env), then times
the whole `manage.py demo` process (interpreter start and Django set-up included, as a user
waits for it): wall time, and the CPU time of the process (user + system), which others' work on
this shared machine does not inflate. Writes bench/results/demo-build-sqlite.json and .md.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import benchenv

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 60


def run(cmd, env):
    """(wall seconds, CPU seconds of the child, last line of its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"), help="results folder")
    ap.add_argument(
        "--wait-idle", type=float, default=0, metavar="FRACTION", help="as in bench/run.py"
    )
    ap.add_argument(
        "--wait-max", type=float, default=3600, metavar="SECONDS", help="as in bench/run.py"
    )
    args = ap.parse_args()
    idle_before = (
        benchenv.wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else []
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    db = ROOT / "bench" / "data" / "demo-run.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    env = benchenv.child_env(CHIBO_SQLITE_PATH=str(db))
    env.pop("DATABASE_URL", None)
    python = sys.executable
    load_before = benchenv.load()
    runs = []
    for i in range(args.runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        migrate_s, _, _ = run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
        demo_s, cpu_s, out = run(
            [python, "manage.py", "demo", "--password", "bench-demo-password"], env
        )
        runs.append(
            {
                "migrate_s": round(migrate_s, 2),
                "demo_s": round(demo_s, 2),
                "demo_cpu_s": round(cpu_s, 2),
                "load_1min": benchenv.load()[0],
                "output": out,
            }
        )
        print(
            f"run {i + 1}: migrate {migrate_s:.1f} s, demo {demo_s:.1f} s wall, "
            f"{cpu_s:.1f} s CPU  ({out})",
            flush=True,
        )
    median = statistics.median(r["demo_s"] for r in runs)
    median_cpu = statistics.median(r["demo_cpu_s"] for r in runs)
    django_version = subprocess.run(
        [python, "-c", "import django; print(django.get_version())"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    machine = benchenv.machine() | {"django": django_version}
    report = {
        "command": benchenv.command_line("bench/time_demo.py"),
        "date": benchenv.now(),
        "git": benchenv.git(),
        "machine": machine,
        "database": "SQLite (fresh file per run, WAL)",
        "load_average": {"before": load_before, "after": benchenv.load()},
        "cpu_idle_before": idle_before,
        "runs": runs,
        "median_demo_s": round(median, 2),
        "median_demo_cpu_s": round(median_cpu, 2),
        "goal_s": GOAL_S,
    }
    print(f"median {median:.1f} s (goal < {GOAL_S} s)")
    if args.no_save:
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "demo-build-sqlite.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    dirty = report["git"]["dirty"]
    lines = [
        "# Benchmark: demo build (`manage.py demo`) on a fresh SQLite database",
        "",
        f"- command: `{report['command']}`",
        f"- date: {report['date']}",
        f"- commit: {report['git']['commit']}"
        + (f" (uncommitted changes outside bench/: {', '.join(dirty)})" if dirty else ""),
        f"- machine: {machine['nproc']} cores ({machine['cpu']}), {machine['ram_gb']} GB RAM, "
        f"Python {machine['python']}, Django {machine['django']}",
        f"- load average before: {', '.join(map(str, load_before))}; after: "
        f"{', '.join(map(str, report['load_average']['after']))}"
        + (
            f"; CPU idle before: {', '.join(f'{x:.0%}' for x in idle_before)}"
            if idle_before
            else ""
        ),
        "- time: the whole `manage.py demo` process (start-up included), wall and CPU (user + "
        "system: others' work on the machine inflates the wall time, not the CPU time); "
        "`migrate` before it is timed apart",
        "",
        "| run | migrate s | demo s (wall) | demo s (CPU) | 1-min load after | output |",
        "|--:|--:|--:|--:|--:|---|",
    ]
    lines += [
        f"| {i + 1} | {r['migrate_s']} | {r['demo_s']} | {r['demo_cpu_s']} | {r['load_1min']} "
        f"| {r['output']} |"
        for i, r in enumerate(runs)
    ]
    mark = "✓" if median < GOAL_S else "✗ over"
    lines += [
        "",
        f"**Median demo build: {median:.1f} s wall** (goal < {GOAL_S} s {mark}), "
        f"{median_cpu:.1f} s CPU",
        "",
    ]
    (out / "demo-build-sqlite.md").write_text("\n".join(lines))
    print(f"wrote {out}/demo-build-sqlite.json and .md")


if __name__ == "__main__":
    main()
