"""Issue 14: the first load of the login page and of a cell secretary's home over an emulated slow
3G line (400 ms latency, 400 kbit/s each way), in Debian's Chromium driven by Playwright with the
Chrome DevTools Protocol's network emulation. Goal: each under 50 KB over the wire and under 3 s.

chibo runs as in production: gunicorn, DEBUG off, static files collected by WhiteNoise's
compressed manifest storage (CHIBO_MANIFEST_STATIC=1), chibo's own compression of the pages; no
nginx in front. The data: the test tree's cell A (conftest.Tree) with this month's meeting
planned, 30 members and 12 open tasks, in a fresh SQLite database under bench/data/.

Each load starts from an empty browser cache with service workers blocked (the first load of a
phone that never opened chibo); the home is loaded after signing in on another, unthrottled page.
Bytes are the sum of the encoded (over the wire: headers and compressed bodies) lengths of every
response until the load event, and the plain lengths for comparison; time is from the start of the
navigation to the load event. Median of --runs.

    .venv/bin/python bench/page_weight.py --out bench/results

writes results/page-weight.{md,json}.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchenv  # noqa: E402

DATA = ROOT / "bench" / "data" / "page-weight"
LATENCY_MS = 400
KBIT_S = 400
GOAL_BYTES = 50 * 1024
GOAL_MS = 3000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def server_env(db: Path) -> dict:
    return benchenv.child_env(
        CHIBO_SQLITE_PATH=str(db),
        CHIBO_MANIFEST_STATIC="1",
        CHIBO_DEBUG="0",
        CHIBO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="config.settings",
    )


def setup(db: Path) -> None:
    """A fresh database with the test tree, the secretary's month and tasks (run in a child)."""
    import django

    django.setup()
    import datetime

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chibo.core.dates import today
    from chibo.meetings import lifecycle
    from chibo.meetings.models import CellMeeting, Task
    from chibo.meetings.schedule import first_of_month
    from conftest import Tree, make_member, make_personas

    tree = Tree()
    make_personas(tree)
    members = [make_member(tree.cell_a, f"Đảng viên Thử {i:02d}") for i in range(28)]
    month = first_of_month(today())
    lifecycle.meetings_generate(org=tree.cell_a, month=month, actor=None)
    meeting = CellMeeting.objects.get(cell=tree.cell_a, month=month, kind="regular")
    for i in range(12):
        Task.objects.create(
            cell=tree.cell_a,
            meeting=meeting,
            title=f"Nhiệm vụ thử số {i + 1}: vận động các hộ tham gia làm đường nội bản",
            owner_kind="member",
            owner_member=members[i],
            deadline=today() + datetime.timedelta(days=i - 3),
        )


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = server_env(db)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def throttle(cdp) -> None:
    rate = KBIT_S * 1000 / 8  # bytes per second
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": rate,
            "uploadThroughput": rate,
        },
    )


def load(page, cdp, url: str) -> dict:
    """One throttled load of `url`: bytes over the wire and plain, per response, and the time."""
    responses = {}

    def finished(event):
        responses.setdefault(event["requestId"], {})["wire"] = event["encodedDataLength"]

    def received(event):
        r = event["response"]
        responses.setdefault(event["requestId"], {}).update(
            url=r["url"],
            encoding=next(
                (v for k, v in r.get("headers", {}).items() if k.lower() == "content-encoding"),
                "",
            ),
        )

    def data(event):
        entry = responses.setdefault(event["requestId"], {})
        entry["plain"] = entry.get("plain", 0) + event["dataLength"]

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.dataReceived", data)
    start = time.perf_counter()
    response = page.goto(url, wait_until="load")
    elapsed = (time.perf_counter() - start) * 1000
    nav = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n ? n.loadEventEnd - n.startTime : null; }"
    )
    assert response is not None and response.status == 200, (url, response and response.status)
    rows = [r for r in responses.values() if "wire" in r]
    return {
        "ms": round(nav if nav else elapsed),
        "wire_bytes": sum(r["wire"] for r in rows),
        "plain_bytes": sum(r.get("plain", 0) for r in rows),
        "requests": [
            {
                "url": urlsplit(r.get("url", "")).path,
                "wire": r["wire"],
                "plain": r.get("plain", 0),
                "encoding": r.get("encoding", ""),
            }
            for r in rows
        ],
    }


def measure(base: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {"login": [], "secretary_home": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            for _ in range(runs):
                # The login page, as a phone that never opened chibo sees it.
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                throttle(cdp)
                results["login"].append(load(page, cdp, f"{base}/accounts/login/"))
                context.close()
                # The secretary's home: signed in on an unthrottled page, then a cold load.
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", "secretary_a")
                page.fill("#id_password", "pw-secretary_a")
                page.click("main button[type=submit]")
                page.wait_for_url(f"{base}/")
                page.close()
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.clearBrowserCache")
                throttle(cdp)
                result = load(page, cdp, f"{base}/")
                assert "Chi bộ bản Áng" in page.content(), "not the secretary's home"
                results["secretary_home"].append(result)
                context.close()
        finally:
            browser.close()
    return results


def summary(rows: list[dict]) -> dict:
    return {
        "median_ms": round(statistics.median(r["ms"] for r in rows)),
        "median_wire_bytes": round(statistics.median(r["wire_bytes"] for r in rows)),
        "median_plain_bytes": round(statistics.median(r["plain_bytes"] for r in rows)),
        "runs": len(rows),
        "requests": rows[-1]["requests"],
    }


def write(out: Path, results: dict) -> None:
    pages = {name: summary(rows) for name, rows in results.items()}
    doc = {
        "command": benchenv.command_line("bench/page_weight.py"),
        "date": benchenv.now(),
        "git": benchenv.git(),
        "machine": benchenv.machine(),
        "load": benchenv.load(),
        "network": {"latency_ms": LATENCY_MS, "down_kbit_s": KBIT_S, "up_kbit_s": KBIT_S},
        "goal": {"bytes": GOAL_BYTES, "ms": GOAL_MS},
        "pages": pages,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "page-weight.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Page weight over slow 3G (issue 14)",
        "",
        f"`{doc['command']}` · {doc['date']} · commit {doc['git']['commit'][:12]}"
        + (f" (uncommitted: {', '.join(doc['git']['dirty'])})" if doc["git"]["dirty"] else ""),
        "",
        f"Chromium {LATENCY_MS} ms latency, {KBIT_S} kbit/s each way (CDP network emulation), "
        "empty cache, service workers blocked; gunicorn, DEBUG off, collected static files "
        "(WhiteNoise's compressed manifest), chibo's page compression, no nginx. "
        f"Machine: {doc['machine']['nproc']} CPUs, load {doc['load']}.",
        "",
        "| page | over the wire | plain | load event | goal | runs |",
        "|---|--:|--:|--:|---|--:|",
    ]
    for name, s in pages.items():
        ok = s["median_wire_bytes"] < GOAL_BYTES and s["median_ms"] < GOAL_MS
        lines.append(
            f"| {name} | {s['median_wire_bytes'] / 1024:.1f} KB | "
            f"{s['median_plain_bytes'] / 1024:.1f} KB | {s['median_ms'] / 1000:.2f} s | "
            f"< 50 KB, < 3 s: {'met' if ok else 'NOT met'} | {s['runs']} |"
        )
    for name, s in pages.items():
        lines += [
            "",
            f"## {name}: the responses (last run)",
            "",
            "| path | wire | plain | encoding |",
        ]
        lines.append("|---|--:|--:|---|")
        for r in s["requests"]:
            lines.append(
                f"| `{r['url'][:70]}` | {r['wire']:,} | {r['plain']:,} | {r['encoding'] or '—'} |"
            )
    (out / "page-weight.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[: 12 + len(pages)]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--setup", help=argparse.SUPPRESS)  # the child that builds the data
    args = parser.parse_args()
    if args.setup:
        os.environ["CHIBO_SQLITE_PATH"] = args.setup
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        setup(Path(args.setup))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    db = DATA / "page-weight.sqlite3"
    db.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, __file__, "--setup", str(db)], cwd=ROOT, env=server_env(db), check=True
    )
    server = start_server(db, args.port)
    try:
        results = measure(f"http://127.0.0.1:{args.port}", args.runs)
    finally:
        server.terminate()
        server.wait(timeout=10)
    write(Path(args.out), results)


if __name__ == "__main__":
    main()
