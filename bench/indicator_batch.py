"""Issue 15 part 3 / issue 13 part 5: `compute_many` (every indicator of many organizations on one
date, chibo/core/indicators.py) on the Mai Sơn demo database (`manage.py demo`): the district,
every grassroots organization and every 25th cell, on 31/12/2021, 31/03/2023, 30/06/2025 and
today. N timed runs of the four batches (median wall and CPU seconds: on SQLite the database's
work is in the process and counts), the queries of one more run, and a digest of the figures
(the same before and after a change that must not change them).

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/indicator_batch.py -n 5

CHIBO_ROOT=<checkout> runs another checkout's code (a "before" measure) with this script.
"""

import argparse
import datetime
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("CHIBO_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from chibo.core.indicators import compute_many  # noqa: E402
from chibo.organizations.models import Organization  # noqa: E402

K = Organization.Kind
DAYS = [datetime.date(2021, 12, 31), datetime.date(2023, 3, 31), datetime.date(2025, 6, 30)]


def sample() -> list[Organization]:
    """The district and the province (every organization above the grassroots), every
    grassroots organization, every 25th cell."""
    above = Organization.objects.exclude(kind__in=[K.GRASSROOTS, K.CELL]).order_by("pk")
    grassroots = Organization.objects.filter(kind=K.GRASSROOTS).order_by("pk")
    cells = list(Organization.objects.filter(kind=K.CELL).order_by("pk"))[::25]
    return [*above, *grassroots, *cells]


def run(orgs, days) -> dict:
    return {day.isoformat(): compute_many(orgs, day) for day in days}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()
    orgs = sample()
    days = [*DAYS, datetime.date.today()]
    figures = run(orgs, days)  # warm-up
    wall, cpu = [], []
    for _ in range(args.n):
        w, c = time.perf_counter(), time.process_time()
        run(orgs, days)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    with CaptureQueriesContext(connection) as ctx:
        run(orgs, days)
    text = json.dumps(
        {d: {str(pk): rows for pk, rows in by.items()} for d, by in figures.items()},
        sort_keys=True,
        ensure_ascii=False,
    )
    print(
        json.dumps(
            {
                "root": str(ROOT),
                "organizations": len(orgs),
                "days": [d.isoformat() for d in days],
                "n": args.n,
                "median_wall_s": round(statistics.median(wall), 2),
                "median_cpu_s": round(statistics.median(cpu), 2),
                "queries": len(ctx.captured_queries),
                "figures_sha256": hashlib.sha256(text.encode()).hexdigest()[:16],
                "load": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()
