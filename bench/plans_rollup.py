"""Issue 12: the village plans' roll-ups on the Mai Sơn demo database (`manage.py demo`), as of
31/03/2023, through the whole Django stack (in-process django.test.Client, no network): the
district's lists behind the three indicators (a line per commune), a commune's lists (a line per
village or target), the commune's plans page and its decision (.docx). 3 warm-ups, then N timed
GETs (median, p95, CPU ms), the query count from one more request. Goal: p95 < 150 ms (the
commune's pages for 25 cells and the district roll-ups of 300).

    CHIBO_SQLITE_PATH=bench/data/demo.sqlite3 .venv/bin/python bench/plans_rollup.py \\
        --out bench/results

writes results/plans-rollup-sqlite.{md,json}.
"""

import argparse
import json
import sys
from pathlib import Path

import benchenv
from admissions_board import AS_OF, DAY, client_for, measure  # also sets Django up

from chibo.core.dates import today
from chibo.core.vn import day_text
from chibo.plans.models import PlanTarget, VillagePlan

GOAL_MS = 150
CODES = ("village_plans_approved", "plan_targets_on_track", "villages_ntm_met")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(benchenv.ROOT / "bench" / "results"))
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    admin, district = client_for("demo-admin", DAY)
    commune_client, commune_org = client_for("demo-commune")
    commune = commune_org.communes.order_by("pk").first()
    # The commune's latest year of approved plans (the demo's commune staff work at a commune
    # made on 01/07/2025: it decides its villages' plans from then on).
    year = (
        VillagePlan.objects.filter(
            village__in=commune.villages.all(), status=VillagePlan.Status.APPROVED
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    now = day_text(today())  # the commune's lists as of today: it was made in 2025
    rows = [
        ("admin", f"list: district, {code}", admin,
         f"/plans/org/{district.pk}/indicators/{code}/?as_of={AS_OF}")
        for code in CODES
    ]  # fmt: skip
    rows += [
        ("commune", f"list: commune ({commune_org.name}), today, {code}", commune_client,
         f"/plans/org/{commune_org.pk}/indicators/{code}/?as_of={now}")
        for code in CODES[:2]
    ]  # fmt: skip
    rows += [
        ("commune", f"plans page: commune, {year}", commune_client,
         f"/plans/commune/{commune.pk}/{year}/"),
        ("commune", f"decision (.docx): commune, {year}", commune_client,
         f"/plans/commune/{commune.pk}/{year}/decision.docx"),
    ]  # fmt: skip
    info = benchenv.time_pages("bench/plans_rollup.py", rows, args.n, measure)
    info["data"] = {
        "plans": VillagePlan.objects.count(),
        "plan_targets": PlanTarget.objects.count(),
        "commune_villages": commune.villages.count(),
    }
    out = Path(args.out)
    (out / "plans-rollup-sqlite.json").write_text(json.dumps(info, indent=2, ensure_ascii=False))
    data = info["data"]
    lines = [
        "# Benchmark: the village plans' roll-ups of the Mai Sơn demo database, the district "
        "as of 31/03/2023 and the commune staff's commune (made on 01/07/2025) today, "
        "on SQLite",
        "",
        *benchenv.header_lines(info),
        f"- data: {data['plans']} village plans, {data['plan_targets']} targets assigned in them "
        f"(chibo/demo/plans.py); the commune has {data['commune_villages']} villages",
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
    (out / "plans-rollup-sqlite.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
