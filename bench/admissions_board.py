"""Issue 11: the admission pipeline boards and the admissions-against-targets page of the Mai Sơn
demo database (`manage.py demo`), as of the demo's date 31/03/2023, through the whole Django
stack (in-process django.test.Client, no network): 3 warm-ups, then N timed GETs (median, p95,
CPU ms), the query count from one more request. Goal: the district's board p95 < 150 ms.

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/admissions_board.py \\
        --out bench/results

writes results/admissions-board-sqlite.{md,json}.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import benchenv  # noqa: E402
import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from chibo.accounts.models import User  # noqa: E402
from chibo.admissions.models import AdmissionStep, Candidate  # noqa: E402
from chibo.core.dates import today  # noqa: E402
from chibo.core.vn import day_text  # noqa: E402
from config import wsgi  # noqa: E402, F401

DAY = datetime.date(2023, 3, 31)  # the article's day
AS_OF = day_text(DAY)
GOAL_MS = 150


def client_for(username: str, on: datetime.date | None = None) -> tuple[Client, object]:
    """A client signed in as `username` past TOTP, and the organization of the role it held on
    `on` (by default the one that counts today)."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # Since the 2025 reorganization the demo's staff hold a role before it and one after: the
    # admin's district is the province's now (which covers the district's past), the commune
    # staff's Nà Bó a new commune (which does not cover the old one's).
    roles = user.roles.held(today()) if on is None else user.roles.current(on)
    role = roles.select_related("organization").order_by("organization__path")[0]
    return client, role.organization


def measure(client, url: str, n: int) -> dict:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    wall.sort()
    return {
        "url": url,
        "queries": len(ctx.captured_queries),
        "median_ms": round(statistics.median(wall), 1),
        "p95_ms": round(wall[max(0, int(round(0.95 * n)) - 1)], 1),
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "n": n,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(benchenv.ROOT / "bench" / "results"))
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    admin, district = client_for("demo-admin", DAY)
    commune_client, commune = client_for("demo-commune")
    secretary, cell = client_for("demo-secretary")
    rows = [
        ("admin", "board: district", admin, f"/admissions/org/{district.pk}/?as_of={AS_OF}"),
        (
            "admin",
            "board: district, waiting for the cell's resolution",
            admin,
            f"/admissions/org/{district.pk}/?as_of={AS_OF}&step=cell_resolution",
        ),
        (
            "commune",
            f"board: commune ({commune.name}, since 01/07/2025), today",
            commune_client,
            f"/admissions/org/{commune.pk}/?as_of={day_text(today())}",
        ),
        (
            "secretary",
            f"board: cell ({cell.name})",
            secretary,
            f"/admissions/org/{cell.pk}/?as_of={AS_OF}",
        ),
        (
            "admin",
            "targets: district, 2022",
            admin,
            f"/admissions/org/{district.pk}/targets/?year=2022",
        ),
    ]
    info = benchenv.time_pages("bench/admissions_board.py", rows, args.n, measure)
    info["data"] = {
        "candidates": Candidate.objects.count(),
        "steps": AdmissionStep.objects.count(),
    }
    out = Path(args.out)
    (out / "admissions-board-sqlite.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False)
    )
    data = info["data"]
    lines = [
        "# Benchmark: the admission boards of the Mai Sơn demo database, the district and a "
        "cell as of 31/03/2023, the commune staff's commune (made on 01/07/2025) today, "
        "on SQLite",
        "",
        *benchenv.header_lines(info),
        f"- data: {data['candidates']} candidates, {data['steps']} steps "
        "(chibo/demo/admissions.py)",
        "- method: in-process django.test.Client (server time, no network), 3 warm-ups, then N "
        "timed GETs; the query count from one more request; median CPU ms: the benchmark "
        "process's CPU time per request (on SQLite it includes the database's)",
        "",
        "| persona | request | queries | median ms | p95 ms | median CPU ms | N | goal (p95) |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for r in info["results"]:
        ok = "✓" if r["p95_ms"] < GOAL_MS else "✗"
        cells = [r["persona"], r["request"], r["queries"], r["median_ms"], r["p95_ms"]]
        cells += [r["median_cpu_ms"], r["n"], f"< {GOAL_MS} {ok}"]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    (out / "admissions-board-sqlite.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
