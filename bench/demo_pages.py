"""`bench/run.py --scale demo`: the committee, training and contest pages and the indicator lists
on the Mai Sơn demo database (`manage.py demo`: 293 village cells, ~9,350 members, committees,
terms, village posts, commune leaders and officials, succession plans, courses and the secretary
contest), as of the demo's date, 31/03/2023. The generated databases of bench/generate.py hold
none of these rows; the demo builds them the way the services do.

Also: query counts of the list pages at two list lengths (two organizations or courses of
different sizes, or two page sizes), and `manage.py indicators` for the whole district timed as
a process (what `chibo indicators` costs a user) and in-process.

Only imported by bench/run.py, after django.setup().
"""

import datetime
import importlib
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import benchenv
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from chibo.accounts.models import User
from chibo.committees import lists as committee_lists
from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    Position,
    SuccessionPlan,
    Term,
)
from chibo.core import indicators as registry
from chibo.members.models import Member
from chibo.organizations.models import Organization
from chibo.organizations.selectors import periods_under
from chibo.training import indicators as training_indicators
from chibo.training.models import Contest, Contestant, Enrollment, TrainingCourse

ROOT = Path(__file__).resolve().parent.parent
AS_OF = datetime.date(2023, 3, 31)  # chibo.demo.data.AS_OF: the article's figures hold then
USERS = {"admin": "demo-admin", "commune": "demo-commune", "secretary": "demo-secretary"}


def _role_org(user):
    return user.roles.select_related("organization").order_by("organization__path")[0].organization


def discover():
    """The demo's users (demo-admin at the district, demo-commune, demo-secretary) and the
    organizations, courses and contest the rows point at."""
    users = {u.username: u for u in User.objects.filter(username__in=USERS.values())}
    if set(users) != set(USERS.values()):
        raise SystemExit("No demo users: build the database with `manage.py demo` first.")
    district, commune, cell = (
        _role_org(users[USERS[p]]) for p in ("admin", "commune", "secretary")
    )
    cells = periods_under(district, AS_OF).filter(organization__kind=Organization.Kind.CELL)
    communes = list(
        cells.filter(parent__kind=Organization.Kind.GRASSROOTS, parent__grassroots_type="commune")
        .values("parent_id")
        .annotate(n=Count("organization_id"))
        .order_by("n", "parent_id")
    )
    # Village cells only: an agency cell serves no village, so its page skips the village posts.
    village_cells = cells.filter(organization__cell_type=Organization.CellType.RESIDENTIAL)
    members = (
        Member.objects.in_cell()
        .filter(cell_id__in=village_cells.values("organization_id"))
        .values("cell_id")
        .annotate(n=Count("id"))
        .order_by("n", "cell_id")
    )
    small_cell, large_cell = members.first(), members.last()
    courses = TrainingCourse.objects.annotate(n=Count("enrollments")).order_by("n", "id")
    trained = (
        Enrollment.objects.values("member_id").annotate(n=Count("id")).order_by("-n", "member_id")
    )
    orgs = Organization.objects.in_bulk(
        [
            communes[0]["parent_id"],
            communes[-1]["parent_id"],
            small_cell["cell_id"],
            large_cell["cell_id"],
        ]
    )
    return {
        "users": users,
        "usernames": USERS,
        # root/commune/cell/large_cell/member: the keys every result file records as targets
        "root": district,
        "district": district,
        "commune": commune,
        "cell": cell,
        "small_commune": (orgs[communes[0]["parent_id"]], communes[0]["n"]),
        "large_commune": (orgs[communes[-1]["parent_id"]], communes[-1]["n"]),
        "small_cell": (orgs[small_cell["cell_id"]], small_cell["n"]),
        "large_cell": orgs[large_cell["cell_id"]],
        "large_cell_members": large_cell["n"],
        "member": Member.objects.get(pk=trained.first()["member_id"]),
        "small_course": courses.first(),
        "large_course": courses.last(),
        "contest": Contest.objects.order_by("-year", "-id").first(),
    }


def rows(t, personas):
    """(persona, name, kind, method, url, options) for every benchmarked request."""
    d, commune, cell = t["district"], t["commune"], t["cell"]
    on = urlencode({"as_of": f"{AS_OF:%d/%m/%Y}"})
    large, contest = t["large_course"], t["contest"]
    out = []

    def add(persona, name, url, kind="page"):
        if persona in personas:
            out.append((persona, name, kind, "GET", url, {}))

    def committee_pages(persona, org, where):
        add(persona, f"committees: {where}", f"/committees/org/{org.pk}/?{on}", "list")
        add(persona, f"village posts: {where}", f"/committees/org/{org.pk}/roles/?{on}", "list")
        add(persona, f"commune leaders: {where}", f"/committees/org/{org.pk}/leaders/?{on}")
        add(persona, f"qualification: {where}", f"/committees/org/{org.pk}/qualification/?{on}")
        add(persona, f"succession: {where}", f"/committees/org/{org.pk}/succession/?{on}")

    committee_pages("admin", d, "district")
    add("admin", "committees: district, flagged cells", f"/committees/org/{d.pk}/?{on}&flagged=1")
    committee_pages("admin", commune, f"commune ({commune.name})")
    add("admin", "committee: cell", f"/committees/cell/{cell.pk}/?{on}")
    for code in registry.listed_on(committee_lists.VIEW):
        add("admin", f"indicator list: {code}", f"/committees/org/{d.pk}/indicators/{code}/?{on}")
    add("admin", "courses", "/training/", "list")
    add("admin", f"course detail: largest ({large.n} enrolled)", f"/training/courses/{large.pk}/")
    add("admin", "member training history", f"/training/member/{t['member'].pk}/")
    add("admin", "nominate: candidates for a course", f"/training/nominate/?course={large.pk}")
    add("admin", "contests", "/training/contests/", "list")
    add("admin", "contest detail", f"/training/contests/{contest.pk}/")
    for code in training_indicators.CODES:
        add(
            "admin",
            f"indicator list: {code}",
            f"/training/indicators/{code}/?org={d.pk}&{on}",
        )
    committee_pages("commune", commune, "own commune")
    add("commune", "courses", "/training/", "list")
    add("commune", "contest detail", f"/training/contests/{contest.pk}/")
    add("commune", "indicator list: contest_cells", f"/training/indicators/contest_cells/?{on}")
    add("secretary", "committee: own cell", f"/committees/cell/{cell.pk}/?{on}")
    add("secretary", "courses", "/training/", "list")
    meeting_pages(t, add)
    return out


def meeting_pages(t, add):
    """The meeting pages over the demo's three years of monthly meetings (Apr 2020 – Mar 2023)."""
    from chibo.meetings import indicators as indicators_meetings
    from chibo.meetings.models import CellMeeting
    from chibo.meetings.officials import indicators as indicators_officials

    d, commune, cell = t["district"], t["commune"], t["cell"]
    month = f"{AS_OF:%Y-%m}"
    on = urlencode({"as_of": f"{AS_OF:%d/%m/%Y}"})
    held = (
        CellMeeting.objects.filter(cell=cell, kind=CellMeeting.Kind.REGULAR)
        .exclude(status=CellMeeting.Status.PLANNED)
        .order_by("-month")
        .first()
    )
    add("commune", "meetings: commune month view", f"/meetings/month/?month={month}", "list")
    add(
        "commune",
        "meetings: commune month view, overdue only",
        f"/meetings/month/?month={month}&status=overdue",
        "list",
    )
    add("admin", "meetings: district overview", f"/meetings/overview/?org={d.pk}&month={month}")
    add(
        "admin",
        "meetings: district month view (page 1)",
        f"/meetings/month/?org={d.pk}&month={month}",
        "list",
    )
    add("admin", "meetings: a commune's month", f"/meetings/month/?org={commune.pk}&month={month}")
    if held:
        add("commune", "meetings: review a record", f"/meetings/review/{held.pk}/")
        add("secretary", "meetings: meeting page", f"/meetings/{held.pk}/")
        add("secretary", "meetings: record page (held meeting)", f"/meetings/{held.pk}/record/")
    add("secretary", "meetings: own cell's meetings", f"/meetings/cell/{cell.pk}/", "list")
    add("secretary", "meetings: the cell's task board", f"/meetings/tasks/cell/{cell.pk}/", "list")
    add("admin", "meetings: officials of the district", f"/meetings/officials/org/{d.pk}/", "list")
    add("admin", "meetings: support of the district", f"/meetings/support/org/{d.pk}/", "list")
    for code in indicators_meetings.CODES:
        add("admin", f"indicator list: {code}", f"/meetings/indicators/{code}/?org={d.pk}&{on}")
    for code in indicators_officials.CODES:
        url = f"/meetings/officials/org/{d.pk}/indicators/{code}/?{on}"
        add("admin", f"indicator list: {code}", url)


# --- query counts at two list lengths ----------------------------------------------------------
def _sized(page, url, setting, sizes):
    """The page at two page sizes: setting = (module, attribute) of the view's page size."""
    return page, [(f"page size {n}", "admin", url, (*setting, n)) for n in sizes]


def _variants(t):
    """(page, [(variant, persona, url, page-size patch or None)] * 2): the same page at two list
    lengths; a patch (module, attribute, value) changes the view's page size in-process only."""
    on = urlencode({"as_of": f"{AS_OF:%d/%m/%Y}"})
    d, commune = t["district"], t["commune"]
    (small, n_small), (large, n_large) = t["small_commune"], t["large_commune"]
    (cell_s, m_s), cell_l, m_l = t["small_cell"], t["large_cell"], t["large_cell_members"]
    communes = ((f"commune of {n_small} cells", small), (f"commune of {n_large} cells", large))
    commune_district = ((commune.name, commune), ("district", d))
    out = []
    for page, suffix, orgs in (
        ("committees", "", communes),
        ("village posts", "roles/", communes),
        ("succession", "succession/", communes),
        ("commune leaders", "leaders/", commune_district),
        ("qualification", "qualification/", commune_district),
    ):
        urls = [(v, "admin", f"/committees/org/{o.pk}/{suffix}?{on}", None) for v, o in orgs]
        out.append((page, urls))
    cells = ((f"village cell of {m_s} members", cell_s), (f"village cell of {m_l} members", cell_l))
    urls = [(v, "admin", f"/committees/cell/{c.pk}/?{on}", None) for v, c in cells]
    out.append(("committee: cell", urls))
    for code in registry.listed_on(committee_lists.VIEW):
        url = f"/committees/org/{d.pk}/indicators/{code}/?{on}"
        setting = ("chibo.committees.views", "INDICATOR_PAGE_SIZE")
        out.append(_sized(f"indicator list: {code}", url, setting, (20, 200)))
    for code in training_indicators.CODES:
        url = f"/training/indicators/{code}/?org={d.pk}&{on}"
        setting = ("chibo.training.views_indicators", "PAGE_SIZE")
        out.append(_sized(f"indicator list: {code}", url, setting, (10, 100)))
    out.append(_sized("courses", "/training/", ("chibo.training.views", "PAGE_SIZE"), (5, 50)))
    courses = (t["small_course"], t["large_course"])
    urls = [
        (f"course of {c.n} enrolled", "admin", f"/training/courses/{c.pk}/", None) for c in courses
    ]
    out.append(("course detail", urls))
    url = f"/training/contests/{t['contest'].pk}/"
    viewers = (
        (f"as commune staff ({commune.name})", "commune"),
        ("as the district admin", "admin"),
    )
    out.append(("contest detail", [(v, persona, url, None) for v, persona in viewers]))
    return out


def list_lengths(t, clients):
    """[{page, variants: [{variant, rows, queries}]}]: rows = <tr> elements in the HTML."""
    report = []
    for page, variants in _variants(t):
        results = []
        for variant, persona, url, patch in variants:
            saved = None
            if patch:
                module = importlib.import_module(patch[0])
                saved = getattr(module, patch[1], None)
                if saved is None:
                    results.append({"variant": variant, "error": f"no {patch[0]}.{patch[1]}"})
                    continue
                setattr(module, patch[1], patch[2])
            try:
                clients[persona].get(url)
                with CaptureQueriesContext(connection) as ctx:
                    resp = clients[persona].get(url)
            finally:
                if patch:
                    setattr(module, patch[1], saved)
            if resp.status_code != 200:
                results.append({"variant": variant, "error": f"status {resp.status_code}"})
                continue
            results.append(
                {
                    "variant": variant,
                    "url": url,
                    "rows": resp.content.count(b"<tr"),
                    "queries": len(ctx.captured_queries),
                }
            )
        report.append({"page": page, "variants": results})
        print(f"{page:48} " + "  ".join(_variant_text(r) for r in results), flush=True)
    return report


def _variant_text(r):
    if "error" in r:
        return f"{r['variant']}: {r['error']}"
    return f"{r['variant']}: {r['rows']} rows, {r['queries']} q"


# --- manage.py indicators ------------------------------------------------------------------------
def _process(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=benchenv.child_env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def time_indicators(t, runs=5):
    """`manage.py indicators --org <district> --as-of 2023-03-31`: the whole process, `runs`
    times after one warm-up (median wall and CPU), next to the start-up alone (`--help`) and the
    in-process compute_all (median, query count)."""
    district = t["district"]
    cmd = [sys.executable, "manage.py", "indicators", "--org", district.code]
    cmd += ["--as-of", AS_OF.isoformat()]
    _process(cmd)
    samples = [_process(cmd) for _ in range(runs)]
    startup = [_process([sys.executable, "manage.py", "indicators", "--help"]) for _ in range(3)]
    registry.compute_all(district, AS_OF)
    inproc = []
    for _ in range(runs):
        t0 = time.perf_counter()
        registry.compute_all(district, AS_OF)
        inproc.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        values = registry.compute_all(district, AS_OF)
    slowest = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    result = {
        "command": " ".join(["manage.py", *cmd[2:]]),
        "runs": runs,
        "wall_s": [round(w, 3) for w, _, _ in samples],
        "cpu_s": [round(c, 3) for _, c, _ in samples],
        "median_wall_s": round(statistics.median(w for w, _, _ in samples), 3),
        "median_cpu_s": round(statistics.median(c for _, c, _ in samples), 3),
        "startup_median_wall_s": round(statistics.median(w for w, _, _ in startup), 3),
        "startup_median_cpu_s": round(statistics.median(c for _, c, _ in startup), 3),
        "in_process_median_ms": round(statistics.median(inproc), 1),
        "in_process_queries": len(ctx.captured_queries),
        "indicators": len(values),
        "output": samples[-1][2],
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in slowest
        ],
        "goal_s": 1,
    }
    print(
        f"manage.py indicators (district, {AS_OF}): median {result['median_wall_s']} s wall, "
        f"{result['median_cpu_s']} s CPU; start-up alone {result['startup_median_wall_s']} s; "
        f"in-process {result['in_process_median_ms']} ms, {result['in_process_queries']} queries",
        flush=True,
    )
    return result


# --- report --------------------------------------------------------------------------------------
def data_sizes():
    return {
        "positions": Position.objects.count(),
        "terms": Term.objects.count(),
        "village posts": ConcurrentRole.objects.count(),
        "commune leaders": CommuneLeader.objects.count(),
        "commune officials": CommuneOfficial.objects.count(),
        "succession plans": SuccessionPlan.objects.count(),
        "courses": TrainingCourse.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "contestants": Contestant.objects.count(),
    }


def markdown(report) -> list[str]:
    lines = []
    if report.get("list_lengths"):
        lines += [
            "",
            "Query counts of the list pages at two list lengths (must not grow with the list; "
            "rows = `<tr>` elements in the page):",
            "",
            "| page | list A | rows | queries | list B | rows | queries | same count |",
            "|---|---|--:|--:|---|--:|--:|---|",
        ]
        for entry in report["list_lengths"]:
            cells, counts = [], []
            for r in entry["variants"]:
                if "error" in r:
                    cells += [r["variant"], "", r["error"]]
                else:
                    cells += [r["variant"], str(r["rows"]), str(r["queries"])]
                    counts.append(r["queries"])
            same = "✓" if len(counts) == 2 and counts[0] == counts[1] else "✗"
            lines.append(f"| {entry['page']} | " + " | ".join(cells) + f" | {same} |")
    ind = report.get("indicators_command")
    if ind:
        mark = "✓" if ind["median_wall_s"] < ind["goal_s"] else "✗ over"
        lines += [
            "",
            f"## `{ind['command']}` (the whole district)",
            "",
            f"- the whole process ({ind['runs']} runs after one warm-up, bytecode cached as "
            "after an installation's first run: benchenv.child_env): median "
            f"**{ind['median_wall_s']} s** wall (goal < {ind['goal_s']} s {mark}), "
            f"{ind['median_cpu_s']} s CPU; runs: {', '.join(map(str, ind['wall_s']))} s",
            f"- of which start-up (`manage.py indicators --help`, median of 3): "
            f"{ind['startup_median_wall_s']} s wall, {ind['startup_median_cpu_s']} s CPU",
            f"- in-process `compute_all` ({ind['indicators']} indicators): median "
            f"{ind['in_process_median_ms']} ms, {ind['in_process_queries']} queries",
            "- slowest queries: "
            + "; ".join(f"{q['ms']} ms `{q['sql'][:160]}`" for q in ind["slowest_queries"]),
            "",
            "```",
            ind["output"].rstrip(),
            "```",
        ]
    return lines
