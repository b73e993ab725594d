"""What every result file records about where and how it was measured."""

import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(*cmd) -> str:
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return out.rstrip("\n")
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next((ln.split()[1] for ln in meminfo if ln.startswith("MemTotal")), "0")
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")),
        platform.processor(),
    )
    import django

    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(int(mem_kb) / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def git() -> dict:
    """The commit, and the files changed outside bench/ (others' work in the same checkout).

    In a snapshot made by bench/snapshot.sh: its commit, and nothing uncommitted by design.
    """
    marker = ROOT / ".snapshot-commit"
    if marker.exists():
        return {"commit": marker.read_text().strip(), "dirty": [], "snapshot": True}
    status = sh("git", "status", "--porcelain").splitlines()
    return {
        "commit": sh("git", "rev-parse", "HEAD").strip(),
        "dirty": sorted(ln[3:] for ln in status if not ln[3:].startswith("bench/")),
    }


def child_env(**extra) -> dict:
    """The environment of a timed child process (manage.py demo, manage.py indicators): bytecode
    cached under bench/data/pycache, as an installation caches it after its first run. This
    machine sets PYTHONDONTWRITEBYTECODE=1, which would add compiling Django and chibo (~2.5 s
    of CPU) to every start."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(ROOT / "bench" / "data" / "pycache"), **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def command_line(script: str) -> str:
    env = [f"{k}={os.environ[k]}" for k in ("CHIBO_SQLITE_PATH", "DATABASE_URL") if k in os.environ]
    cmd = " ".join([*env, ".venv/bin/python", script, *map(shlex.quote, sys.argv[1:])])
    if (ROOT / ".snapshot-commit").exists():
        return f'cd "$(bench/snapshot.sh {git()["commit"][:12]})" && {cmd}'
    return cmd


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def cpu_times():
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(x) for x in fields]
    idle = values[3] + values[4]  # idle + iowait
    return idle, sum(values)


def cpu_idle(seconds: float = 5.0) -> float:
    """The fraction of all CPUs left idle over the next `seconds`."""
    import time

    idle0, total0 = cpu_times()
    time.sleep(seconds)
    idle1, total1 = cpu_times()
    return (idle1 - idle0) / max(total1 - total0, 1)


def wait_idle(min_idle: float, timeout: float = 3600, samples: int = 3) -> list[float]:
    """Wait until the machine is at least `min_idle` idle for `samples` 5-second samples in a
    row (others' test runs share these 2 cores); returns the last samples."""
    import time

    deadline = time.monotonic() + timeout
    recent: list[float] = []
    while True:
        recent = ([*recent, cpu_idle()])[-samples:]
        if len(recent) == samples and min(recent) >= min_idle:
            return [round(x, 2) for x in recent]
        if time.monotonic() > deadline:
            print(f"gave up waiting for an idle machine: {recent}", flush=True)
            return [round(x, 2) for x in recent]
        print(f"waiting for an idle machine: idle {recent[-1]:.0%}", flush=True)


def time_pages(script: str, rows, n: int, measure) -> dict:
    """Time each (persona, label, client, url) of `rows` with `measure(client, url, n)` and
    return the run's record: the command, date, commit, machine, the load before and after and
    the CPU left idle before, and one result per row (printed as it comes)."""
    idle_before, load_before = cpu_idle(2), load()
    results = []
    for persona, label, client, url in rows:
        r = measure(client, url, n)
        r.update(persona=persona, request=label)
        results.append(r)
        print(f"{label}: median {r['median_ms']} ms, p95 {r['p95_ms']} ms, {r['queries']} queries")
    return {
        "command": command_line(script),
        "date": now(),
        "git": git(),
        "machine": machine(),
        "load_before": load_before,
        "load_after": load(),
        "cpu_idle_before": round(idle_before, 2),
        "results": results,
    }


def header_lines(info: dict) -> list[str]:
    """The Markdown lines every page timing's results start with: command, date, commit,
    machine, load (from `time_pages`' record)."""
    m, g = info["machine"], info["git"]
    dirty = f" (uncommitted: {', '.join(g['dirty'])})" if g.get("dirty") else ""
    before, after = (", ".join(map(str, info[k])) for k in ("load_before", "load_after"))
    return [
        f"- command: `{info['command']}`",
        f"- date: {info['date']}",
        f"- commit: {g['commit']}{dirty}",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, Django {m['django']}",
        f"- load average before: {before}; after: {after}; "
        f"CPU idle before: {info['cpu_idle_before']:.0%}",
    ]


def time_urls(client, todo, *, measure, n, warmup, budget, width=40) -> list[dict]:
    """Time each (name, url, cold) of `todo` through `client` with bench/run.py's `measure`;
    a cold one empties the cache before each request (as after a change: the page computed
    again). One row per URL, printed as it comes."""
    from django.core.cache import cache

    rows = []
    for name, url, cold in todo:

        def call(url=url, cold=cold):
            if cold:
                cache.clear()
            return client.get(url)

        result = measure(call, n=n, warmup=warmup, budget=budget)
        result.pop("slowest_queries", None)
        row = {"name": name, "url": url, **result}
        rows.append(row)
        print(
            f"{name:{width}} p95 {row.get('p95_ms', '—'):>7} ms"
            f"  median {row.get('median_ms', '—'):>7}"
            f"  cpu {row.get('median_cpu_ms', '—'):>6}  q {row.get('queries', '—')}",
            flush=True,
        )
    return rows
