#!/usr/bin/env python
"""Where the test suite's CPU goes, per suite, kind of test and module (issue #15, part 3).

On a shared machine the wall time of two runs of `make test` can differ by a third, and so can
the speed of the same loop. The CPU that each pytest process spends on each test is steadier:
this pytest plugin records it (`time.process_time()` before and after each test, with the wall
clock), one file per process, and the report adds it up.

    rm -rf /tmp/suite-cpu && CHIBO_SUITE_CPU_DIR=/tmp/suite-cpu PYTHONPATH=bench \\
        make test PYTEST_ARGS="-p suite_cpu"
    .venv/bin/python bench/suite_cpu.py /tmp/suite-cpu > bench/results/suite-cpu.md

What it does not see: the Chromium of the browser tests and the PostgreSQL server (separate
processes: `CHIBO_PG_CPU=1` prints the server's), the lint and the compiling collection. A test's
CPU includes its fixtures' setup and teardown (the demo's build or load is in the first demo
test's).
"""

import collections
import json
import os
import sys
import time
from pathlib import Path

# --- the pytest plugin --------------------------------------------------------------------------

_out = None


def _file():
    global _out
    if _out is None:
        folder = Path(os.environ["CHIBO_SUITE_CPU_DIR"])  # where the files go: required
        folder.mkdir(parents=True, exist_ok=True)
        database = (
            "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        )
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _out = open(folder / f"{database}-{worker}.jsonl", "a")  # noqa: SIM115 (the process's)
    return _out


def _write(what, nodeid=""):
    _file().write(json.dumps([what, nodeid, time.time(), time.process_time()]) + "\n")
    _out.flush()


def pytest_sessionstart(session):
    _write("session")


def pytest_runtest_logstart(nodeid, location):
    _write("start", nodeid)


def pytest_runtest_logfinish(nodeid, location):
    _write("end", nodeid)


# --- the report ---------------------------------------------------------------------------------


def _kind(nodeid: str) -> str:
    if nodeid.startswith("chibo/demo/tests/"):
        return "demo: " + nodeid.split("::")[0].rsplit("/", 1)[-1]
    return "browser" if "browser" in nodeid else "other tests"


def report(folder: Path) -> str:
    lines = [f"# Where the suite's CPU goes ({folder})", ""]
    suites = sorted({p.name.split("-")[0] for p in folder.glob("*.jsonl")})
    for database in suites:
        kinds, modules, workers = collections.Counter(), collections.Counter(), []
        for path in sorted(folder.glob(f"{database}-gw*.jsonl")) or [
            folder / f"{database}-main.jsonl"
        ]:
            rows = [json.loads(line) for line in path.read_text().splitlines()]
            before, first_wall, last_wall, tests = 0.0, None, None, 0
            for what, nodeid, wall, cpu in rows:
                if what == "start":
                    if first_wall is None:
                        first_wall = wall
                        kinds["start-up (collection, before the first test)"] += cpu - before
                    else:
                        kinds["between tests (pytest, module fixtures' teardown)"] += cpu - before
                elif what == "end":
                    kinds[_kind(nodeid)] += cpu - before
                    modules[nodeid.split("::")[0]] += cpu - before
                    last_wall, tests = wall, tests + 1
                before = cpu
            cpu_total = rows[-1][3]
            workers.append((path.stem, tests, cpu_total, (last_wall or 0) - (first_wall or 0)))
        lines += [f"## {database}", "", "| process | tests | CPU (s) | first to last test (s) |"]
        lines += ["|---|--:|--:|--:|"]
        lines += [f"| {w} | {n} | {c:.1f} | {span:.1f} |" for w, n, c, span in workers]
        lines += ["", "| kind | CPU (s) |", "|---|--:|"]
        lines += [f"| {k} | {v:.1f} |" for k, v in kinds.most_common()]
        lines += ["", "| module (the 15 costliest) | CPU (s) |", "|---|--:|"]
        lines += [f"| {m} | {v:.1f} |" for m, v in modules.most_common(15)]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench/suite_cpu.py FOLDER (the CHIBO_SUITE_CPU_DIR of the run)")
    print(report(Path(sys.argv[1])))
