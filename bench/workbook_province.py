#!/usr/bin/env python
"""Issue 10's province workbook on PostgreSQL: five years of history on the generated province,
then its workbook exported, imported into an empty database and imported again.

    bench/pg.sh start province && eval "$(bench/pg.sh env province)"
    .venv/bin/python bench/generate.py --scale province
    .venv/bin/python bench/workbook_province.py history   # 2021-2025 on top of it, once
    .venv/bin/python bench/workbook_province.py run --wait-idle 0.7

`history` (seeded) adds what a province records in five years to the one membership per member
that generate.py writes: transfers between cells (3% of the members a year: the membership
closed, another opened, the member's cell moved), deaths (0,5% a year), transfers out of the
province (0,7% a year), the generated exemptions dated within 2021-2025 (status changes, not
just a status), every cell's committee for two terms (2020-2025, 2025-2030: a secretary, a
deputy from 5 members up, 1-3 committee members from 9 members up, chosen among the cell's
official members at the congress; a seat ends when its holder leaves the cell, and a secretary
who leaves is replaced), and the village heads of every village (one from 2019, the next from
2022; two in three of them members of the village's cell, the rest by name). No meetings: a
province's monthly meetings with their roll calls over five years (~3.100 cells x 60 months x
~30 members) would pass the 1.048.576 rows an .xlsx sheet holds.

`run` measures, each step a `manage.py` process (its wall time, CPU time and peak RSS from
`os.wait4`; PostgreSQL's own memory is not in it): `export_workbook --org T01` (time, file
size), `import_workbook --accept-warnings` into a second, freshly migrated database on the same
cluster (`chibo_import`; time per sheet from the command's progress lines), then the same file
imported again into it (must change nothing: every sheet "thêm 0, sửa 0", no new audit row, the
same digests). Then it compares the two databases: row counts and digests of organizations,
villages, village links, members, memberships, status changes, terms, positions and village
posts (by codes, card numbers and dates, never ids), and every indicator of the province and
its districts as of 31/12/2021, 31/03/2023, 30/06/2025 and 31/12/2025. Result:
bench/results/workbook-province-postgresql.md (and .json).
"""

import argparse
import datetime
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEED = 20260102
YEARS = range(2021, 2026)
RATES = {"transfer": 0.03, "deceased": 0.005, "transferred_out": 0.007}
TARGET_DB = "chibo_import"
DATES = ["2021-12-31", "2023-03-31", "2025-06-30", "2025-12-31"]


def day_in(rng, year, months=(1, 12)):
    start = datetime.date(year, months[0], 1)
    end = datetime.date(year + (months[1] == 12), months[1] % 12 + 1, 1)
    return start + datetime.timedelta(days=rng.randrange((end - start).days))


# --- history ---------------------------------------------------------------------------------
def history():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from generate import FAMILY, GIVEN_M, DeferredIndexes, bulk_write, log, weighted

    from chibo.committees.models import ConcurrentRole, Position, Term, Title
    from chibo.members.models import Member, Membership, Status, StatusChange
    from chibo.organizations.models import Organization, Village

    if Term.objects.exists() or StatusChange.objects.exists():
        raise SystemExit("This database already has history (terms or status changes).")
    rng = random.Random(SEED)
    now = timezone.now()
    cells = list(
        Organization.objects.filter(kind=Organization.Kind.CELL).values_list(
            "pk", "parent_id", "path"
        )
    )
    by_parent, by_district = defaultdict(list), defaultdict(list)
    for pk, parent, path in cells:
        by_parent[parent].append(pk)
        by_district[path[:18]].append(pk)
    cell_info = {pk: (parent, path[:18]) for pk, parent, path in cells}
    all_cells = [pk for pk, _p, _q in cells]
    rows = list(
        Member.objects.order_by("pk").values_list(
            "pk", "cell_id", "admission_date", "official_date", "status", "birth_date"
        )
    )
    log(f"{len(rows):,} members, {len(cells):,} cells")
    # state: the member's memberships [cell, start, end, reason], status, since
    ships = {pk: [[cell, adm, None, Membership.Reason.IMPORTED]] for pk, cell, adm, *_ in rows}
    status = {pk: Status.ACTIVE for pk, *_ in rows}
    since = {pk: None for pk, *_ in rows}
    admitted = {pk: adm for pk, _c, adm, *_ in rows}
    official = {pk: off for pk, _c, _a, off, *_ in rows}
    older = [pk for pk, *_r, born in rows if born.year < 1960]
    everyone = [pk for pk, *_ in rows]
    events = []  # (date, order, member, kind)
    for year in YEARS:
        for kind, rate in RATES.items():
            n = round(rate * len(rows))
            pool = older if kind == Status.DECEASED else everyone
            for pk in rng.sample(pool, n):
                events.append((day_in(rng, year), len(events), pk, kind))
    for pk, _c, _a, _o, st, _b in rows:
        if st == Status.EXEMPT:  # the generator's exemptions, dated within the five years
            events.append((day_in(rng, rng.choice(YEARS)), len(events), pk, Status.EXEMPT))
    events.sort()
    changes, done = [], defaultdict(int)
    in_cell = (Status.ACTIVE, Status.EXEMPT)
    exempt_on = {}
    for on, _i, pk, kind in events:
        current = ships[pk][-1]
        if status[pk] not in in_cell or on <= current[1] or on < admitted[pk]:
            continue
        if kind == "transfer":
            parent, district = cell_info[current[0]]
            roll = rng.random()
            choices = (
                by_parent[parent]
                if roll < 0.6
                else by_district[district]
                if roll < 0.9
                else all_cells
            )
            to = rng.choice(choices)
            if to == current[0]:
                to = rng.choice(by_district[district])
            if to == current[0]:
                continue
            current[2] = on
            ships[pk].append([to, on, None, Membership.Reason.TRANSFER])
        elif kind == Status.EXEMPT:
            if status[pk] != Status.ACTIVE:
                continue
            changes.append((pk, Status.EXEMPT, status[pk], on))
            status[pk], since[pk] = Status.EXEMPT, on
            exempt_on[pk] = on
        else:  # leaving: deceased, transferred out
            current[2] = on
            changes.append((pk, kind, status[pk], on))
            status[pk], since[pk] = kind, on
        done[kind] += 1
    log("events applied: " + ", ".join(f"{k} {v:,}" for k, v in sorted(done.items())))

    # Who was in each cell on a day: the memberships by cell.
    by_cell = defaultdict(list)
    for pk, spans in ships.items():
        for cell, start, end, _r in spans:
            by_cell[cell].append((pk, start, end))

    def present(cell, on, exclude=()):
        """Official members in the cell on `on`, not exempt by then: (member, end of stay)."""
        return [
            (pk, end)
            for pk, start, end in by_cell[cell]
            if start <= on
            and (end is None or end > on)
            and official[pk] is not None
            and official[pk] <= on
            and not (pk in exempt_on and exempt_on[pk] <= on)
            and pk not in exclude
        ]

    terms, positions = [], []
    for cell in all_cells:
        c20 = day_in(rng, 2020, (3, 6))
        c25 = day_in(rng, 2025, (3, 6))
        spans = [
            ("2020-2025", c20, c25),
            ("2025-2030", c25, c25.replace(year=2030)),
        ]
        for name, start, end in spans:
            term_index = len(terms)
            terms.append((now, now, cell, name, start, end, start))
            candidates = present(cell, start)
            rng.shuffle(candidates)
            n = len(candidates)
            titles = [Title.SECRETARY]
            if n >= 5:
                titles.append(Title.DEPUTY_SECRETARY)
            if n >= 9:
                titles += [Title.COMMITTEE_MEMBER] * min(3, 1 + (n - 9) // 10)
            seat_end = end if name == "2020-2025" else None
            holders = set()
            for title, (pk, leaves) in zip(titles, candidates, strict=False):
                holders.add(pk)
                stop = min((d for d in (seat_end, leaves) if d is not None), default=None)
                positions.append((term_index, cell, pk, title, start, stop))
                # A secretary who leaves the cell during the term is replaced the same day.
                while (
                    title == Title.SECRETARY
                    and leaves is not None
                    and (seat_end is None or leaves < seat_end)
                ):
                    successors = present(cell, leaves, exclude=holders)
                    if not successors:
                        break
                    pk, nxt = rng.choice(successors)
                    holders.add(pk)
                    stop = min((d for d in (seat_end, nxt) if d is not None), default=None)
                    positions.append((term_index, cell, pk, title, leaves, stop))
                    leaves = nxt
    log(f"{len(terms):,} terms, {len(positions):,} positions")

    pick_family = weighted(FAMILY)
    posts = []
    villages = list(Village.objects.exclude(cell=None).values_list("pk", "cell_id"))
    for village, cell in villages:
        switch = day_in(rng, 2022, (6, 9))
        for start, planned_end in ((day_in(rng, 2019, (6, 9)), switch), (switch, None)):
            on = start
            while True:
                holder = None
                if rng.random() < 2 / 3:
                    found = present(cell, on)
                    holder = rng.choice(found) if found else None
                if holder is None:
                    name = f"{pick_family(rng)} Văn {rng.choice(GIVEN_M)}"
                    posts.append((now, now, village, None, name, on, planned_end))
                    break
                pk, leaves = holder
                if leaves is None or (planned_end is not None and leaves >= planned_end):
                    posts.append((now, now, village, pk, "", on, planned_end))
                    break
                posts.append((now, now, village, pk, "", on, leaves))  # left the cell: next
                on = leaves
    log(f"{len(posts):,} village heads over {len(villages):,} villages")

    with transaction.atomic():
        t0 = time.perf_counter()
        with connection.cursor() as c:
            c.execute(f"DELETE FROM {Membership._meta.db_table}")  # noqa: S608  (replaced below)
        with DeferredIndexes([Membership._meta.db_table]):
            n = bulk_write(
                Membership,
                ["member_id", "cell_id", "start", "end", "reason", "note", "letter_number"],
                (
                    (pk, cell, start, end, reason, "", "")
                    for pk, spans in ships.items()
                    for cell, start, end, reason in spans
                ),
                skip_check=("id",),
            )
        log(f"{n:,} memberships in {time.perf_counter() - t0:.1f} s")
        # Each change as its movement records it (members.movements): its kind and documents.
        documents = {
            Status.EXEMPT: ("exemption", "Tuổi cao, sức yếu", "", ""),
            Status.DECEASED: ("death", "", "", ""),
            Status.TRANSFERRED_OUT: ("transfer_out", "", "GGT", "Đảng bộ tỉnh khác"),
        }
        bulk_write(
            StatusChange,
            [
                "member_id",
                "status",
                "previous",
                "on",
                "note",
                "actor_id",
                "recorded_at",
                "kind",
                "reason",
                "until",
                "decided_by",
                "decision_number",
                "letter_number",
                "place",
            ],
            (
                (
                    pk,
                    st,
                    prev,
                    on,
                    "bench/workbook_province.py",
                    None,
                    now,
                    documents[st][0],
                    documents[st][1],
                    None,
                    "",
                    "",
                    documents[st][2],
                    documents[st][3],
                )
                for pk, st, prev, on in changes
            ),  # fmt: skip
            skip_check=("id",),
        )
        updates = [
            (status[pk], since[pk], ships[pk][-1][0], pk)
            for pk, cell, _a, _o, st, _b in rows
            if (status[pk], since[pk], ships[pk][-1][0]) != (st, None, cell)
        ]
        with connection.cursor() as c:
            table = Member._meta.db_table
            c.executemany(
                f"UPDATE {table} SET status = %s, status_since = %s, cell_id = %s "  # noqa: S608
                "WHERE id = %s",
                updates,
            )
        log(f"{len(changes):,} status changes, {len(updates):,} members updated")
        bulk_write(
            Term,
            ["created_at", "updated_at", "organization_id", "name", "start", "end",
             "congress_date"],
            terms,
            skip_check=("id",),
        )  # fmt: skip
        term_pk = dict(
            ((org, start), pk) for pk, org, start in Term.objects.values_list(
                "pk", "organization_id", "start"
            )
        )  # fmt: skip
        bulk_write(
            Position,
            ["created_at", "updated_at", "organization_id", "term_id", "member_id", "title",
             "start", "end", "obtained", "decision"],
            ((now, now, cell, term_pk[(cell, terms[ti][4])], pk, title, start, end, "elected",
              "") for ti, cell, pk, title, start, end in positions),
            skip_check=("id",),
        )  # fmt: skip
        bulk_write(
            ConcurrentRole,
            ["created_at", "updated_at", "village_id", "member_id", "person_name", "start",
             "end", "kind"],
            ((*p[:5], p[5], p[6], ConcurrentRole.Kind.VILLAGE_HEAD) for p in posts),
            skip_check=("id",),
        )  # fmt: skip
    with connection.cursor() as c:
        c.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    summary = {
        "memberships": n,
        "status_changes": len(changes),
        "events": dict(done),
        "terms": len(terms),
        "positions": len(positions),
        "village_heads": len(posts),
    }
    print(json.dumps(summary))
    log("history written")


# --- run ---------------------------------------------------------------------------------------
PROGRESS = re.compile(r"\[(\d+)/(\d+)\] ?(.*)")


def timed(cmd, env, log_path):
    """Run `cmd`; wall and CPU seconds, peak RSS (MB) of the process, sheets' boundaries."""
    started = time.monotonic()
    with open(log_path, "w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        marks, tail = [], []

        def read():
            # A progress line is "\r[i/n] label" written and flushed at once when the sheet
            # starts: its time is when its first byte arrives, not when the next one ends it.
            def emit(segment: bytes, at: float):
                text = segment.decode("utf-8", "replace").strip()
                m = PROGRESS.fullmatch(text)
                if m:
                    marks.append((at, m.group(3).strip()))
                elif text:
                    tail.append(text)
                    del tail[:-20]

            buf, buf_at = b"", None
            while chunk := proc.stderr.read1(4096):
                at = time.monotonic() - started
                first, *rest = re.split(rb"[\r\n]", chunk)
                if first and buf_at is None:
                    buf_at = at
                buf += first
                for part in rest:
                    emit(buf, buf_at if buf_at is not None else at)
                    buf, buf_at = part, (at if part else None)
            emit(buf, buf_at if buf_at is not None else 0.0)

        reader = threading.Thread(target=read)
        reader.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        reader.join()
    wall = time.monotonic() - started
    # Before the first sheet: start-up and reading the file; after the last mark (the import's
    # "done" with an empty label): the audit rows, the commit and the exit.
    sheets = [("(start-up, reading the file)", round(marks[0][0], 2))] if marks else []
    ends = [t for t, _label in marks[1:]] + [wall]
    for (t, label), end in zip(marks, ends[: len(marks)], strict=True):
        sheets.append((label or "(audit rows, commit, exit)", round(end - t, 2)))
    return {
        "rc": proc.returncode,
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "max_rss_mb": round(usage.ru_maxrss / 1024),
        "sheets": sheets,
        "stdout": Path(log_path).read_text().splitlines()[-60:],
        "stderr_tail": tail,
    }


DUMP = """
import datetime, hashlib, json
from chibo.committees.models import ConcurrentRole, Position, Term
from chibo.core.indicators import compute_all
from chibo.core.models import AuditEvent
from chibo.members.models import Member, Membership, StatusChange
from chibo.organizations.models import Organization, Village, VillageCellLink
org = dict(Organization.objects.values_list("pk", "code"))
card = dict(Member.objects.values_list("pk", "party_card_number"))
vil = dict(Village.objects.values_list("pk", "code"))
def digest(rows):
    rows = sorted(repr(r) for r in rows)
    return [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()[:16]]
out = {"tables": {
    "organizations": digest((code, name, kind, org.get(p), vf, vt) for code, name, kind, p, vf, vt
        in Organization.objects.values_list("code", "name", "kind", "parent_id", "valid_from",
                                            "valid_to")),
    "villages": digest((code, name, org.get(c)) for code, name, c
        in Village.objects.values_list("code", "name", "cell_id")),
    "village links": digest((vil[v], org[c], s, e) for v, c, s, e
        in VillageCellLink.objects.values_list("village_id", "cell_id", "start", "end")),
    "members": digest((card[pk], n, b, a, o, st, ss, org[c]) for pk, n, b, a, o, st, ss, c
        in Member.objects.values_list("pk", "full_name", "birth_date", "admission_date",
                                      "official_date", "status", "status_since", "cell_id")),
    "memberships": digest((card[m], org[c], s, e, r) for m, c, s, e, r
        in Membership.objects.values_list("member_id", "cell_id", "start", "end", "reason")),
    "status changes": digest((card[m], s, p, on) for m, s, p, on
        in StatusChange.objects.values_list("member_id", "status", "previous", "on")),
    "terms": digest((org[o], n, s, e, c) for o, n, s, e, c
        in Term.objects.values_list("organization_id", "name", "start", "end", "congress_date")),
    "positions": digest((org[o], card[m], t, s, e) for o, m, t, s, e
        in Position.objects.values_list("organization_id", "member_id", "title", "start", "end")),
    "village posts": digest((vil[v], k, card.get(m), n, s, e) for v, k, m, n, s, e
        in ConcurrentRole.objects.values_list("village_id", "kind", "member_id", "person_name",
                                              "start", "end")),
}, "audit_rows": AuditEvent.objects.count(), "indicators": {}}
if %(indicators)r:
    for o in Organization.objects.filter(depth__lte=1).order_by("path"):
        for d in %(dates)r:
            rows = compute_all(o, datetime.date.fromisoformat(d))
            out["indicators"][o.code + "@" + d] = {r["code"]: [r["value"], r["of"]] for r in rows}
open(%(out)r, "w").write(json.dumps(out, sort_keys=True, default=str))
"""


def dump(env, path, indicators=True) -> dict:
    code = DUMP % {"dates": DATES, "out": str(path), "indicators": indicators}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return json.loads(path.read_text())


def with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def run(args):
    import psycopg
    from benchenv import child_env, command_line, cpu_times, git, load, machine, now, wait_idle

    source_url = os.environ.get("DATABASE_URL", "")
    if not source_url.startswith("postgres"):
        raise SystemExit('Set DATABASE_URL (eval "$(bench/pg.sh env province)").')
    target_url = with_db(source_url, TARGET_DB)
    src_env = child_env(DATABASE_URL=source_url)
    dst_env = child_env(DATABASE_URL=target_url)
    tmp = Path(tempfile.mkdtemp(prefix="chibo-province-wb-"))
    book = tmp / "province.xlsx"
    manage = [sys.executable, "manage.py"]

    with psycopg.connect(with_db(source_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TARGET_DB}"')
        conn.execute(f'CREATE DATABASE "{TARGET_DB}"')
    subprocess.run([*manage, "migrate", "-v0"], env=dst_env, cwd=ROOT, check=True)
    print("target database migrated", flush=True)

    idle_before = wait_idle(args.wait_idle, timeout=args.wait_max) if args.wait_idle else []
    load_before = load()
    cpu0 = cpu_times()
    steps = {}
    for label, cmd, env in (
        ("export", [*manage, "export_workbook", "--org", args.org, "--out", str(book)], src_env),
        ("import", [*manage, "import_workbook", str(book), "--accept-warnings"], dst_env),
        ("re-import", [*manage, "import_workbook", str(book), "--accept-warnings"], dst_env),
    ):
        if label == "re-import":
            before = dump(dst_env, tmp / "before-reimport.json", indicators=False)
        step = timed(cmd, env, tmp / f"{label}.log")
        steps[label] = step
        print(
            f"{label}: rc {step['rc']}, {step['wall_s']} s wall, {step['cpu_s']} s CPU, "
            f"{step['max_rss_mb']} MB max RSS",
            flush=True,
        )
        if step["rc"] != 0:
            print("\n".join(step["stdout"][-20:] + step["stderr_tail"]), flush=True)
            raise SystemExit(f"{label} failed")
    cpu1 = cpu_times()
    idle_during = (cpu1[0] - cpu0[0]) / max(cpu1[1] - cpu0[1], 1)
    load_after = load()

    after = dump(dst_env, tmp / "target.json")
    source = dump(src_env, tmp / "source.json")
    unchanged_lines = [ln for ln in steps["re-import"]["stdout"] if ": thêm " in ln]
    reimport_changed = [ln for ln in unchanged_lines if not re.search(r"thêm 0, sửa 0,", ln)]
    reimport_ok = (
        not reimport_changed
        and before["tables"] == after["tables"]
        and before["audit_rows"] == after["audit_rows"]
    )
    diffs = [
        f"{k}: source {source['tables'][k]}, imported {after['tables'].get(k)}"
        for k in source["tables"]
        if source["tables"][k] != after["tables"].get(k)
    ]
    ind_diffs = [
        k for k in source["indicators"] if source["indicators"][k] != after["indicators"].get(k)
    ]
    size_mb = book.stat().st_size / 1024 / 1024
    m = machine()
    result = {
        "command": command_line("bench/workbook_province.py"),
        "date": now(),
        "git": git(),
        "machine": m,
        "load_before": load_before,
        "load_after": load_after,
        "idle_before": idle_before,
        "idle_during": round(idle_during, 2),
        "workbook_mb": round(size_mb, 1),
        "steps": {k: {x: v for x, v in s.items() if x != "stderr_tail"} for k, s in steps.items()},
        "source": source,
        "imported": after,
        "reimport_ok": reimport_ok,
        "reimport_changed": reimport_changed,
        "diffs": diffs,
        "indicator_diffs": ind_diffs,
    }
    out = ROOT / "bench" / "results"
    (out / "workbook-province-postgresql.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False, default=str) + "\n"
    )
    imp, exp, re_ = steps["import"], steps["export"], steps["re-import"]
    lines = [
        "# Benchmark: a province's workbook on PostgreSQL (export, import, import again)",
        "",
        f"- command: `{result['command']}` (after `bench/generate.py --scale province` and "
        "`bench/workbook_province.py history` in a `bench/pg.sh` cluster)",
        f"- date: {result['date']}",
        f"- commit: {result['git']['commit']}"
        + (
            f" (uncommitted outside bench/: {', '.join(result['git']['dirty'])})"
            if result["git"].get("dirty")
            else ""
        ),  # fmt: skip
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python "
        f"{m['python']}, Django {m['django']}; PostgreSQL on the same machine (fsync off)",
        f"- load: average {load_before} before, {load_after} after; CPU idle "
        + (f"{idle_before} (5 s samples) before, " if idle_before else "")
        + f"{idle_during:.0%} over the three steps (~50%: nothing else competed, the command "
        "keeps one core busy and PostgreSQL part of the other)",
        "",
        "| step | wall | CPU (the process) | peak RSS (the process) | goal |",
        "|---|--:|--:|--:|---|",
        f"| `export_workbook --org {args.org}` | {exp['wall_s']} s | {exp['cpu_s']} s | "
        f"{exp['max_rss_mb']} MB | (none; {size_mb:.1f} MB .xlsx) |",
        f"| `import_workbook` into an empty migrated database | **{imp['wall_s']} s** | "
        f"{imp['cpu_s']} s | **{imp['max_rss_mb']} MB** | < 120 s, < 1 GB "
        f"{'✓' if imp['wall_s'] < 120 and imp['max_rss_mb'] < 1024 else '✗'} |",
        f"| `import_workbook`, the same file again | {re_['wall_s']} s | {re_['cpu_s']} s | "
        f"{re_['max_rss_mb']} MB | changes nothing {'✓' if reimport_ok else '✗'} |",
        "",
        "Rows (source database = imported database: "
        + ("**identical**" if not diffs else f"**{len(diffs)} differ**")
        + "; digests by codes, card numbers and dates):",
        "",
        "| table | rows | digest |",
        "|---|--:|---|",
        *(f"| {k} | {v[0]:,} | `{v[1]}` |" for k, v in source["tables"].items()),
        "",
        f"Indicators of the province and its districts ({len(source['indicators'])} "
        f"organization-dates, {', '.join(DATES)}): "
        + ("**identical**" if not ind_diffs else f"**{len(ind_diffs)} differ**: {ind_diffs[:10]}"),
        "",
        "Import, seconds per sheet (from the command's progress lines; sheets absent from the "
        "file are skipped):",
        "",
        "| sheet | first import | again |",
        "|---|--:|--:|",
    ]
    again = dict(re_["sheets"])
    lines += [f"| {name} | {t} | {again.get(name, '')} |" for name, t in imp["sheets"]]
    lines += ["", "Export, seconds per sheet:", "", "| sheet | s |", "|---|--:|"]
    lines += [f"| {name} | {t} |" for name, t in exp["sheets"]]
    lines += ["", "What the import said:", "", "```", *imp["stdout"][-45:], "```"]
    if reimport_changed:
        lines += ["", "The second import changed:", "", *(f"- {x}" for x in reimport_changed)]
    if diffs:
        lines += ["", "Differences:", "", *(f"- {d}" for d in diffs)]
    (out / "workbook-province-postgresql.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("history", help="add 2021-2025 to the generated province")
    r = sub.add_parser("run", help="export, import into an empty database, import again")
    r.add_argument("--org", default="T01")
    r.add_argument("--wait-idle", type=float, default=0.0)
    r.add_argument("--wait-max", type=float, default=900)
    args = ap.parse_args()
    if args.cmd == "history":
        history()
    else:
        run(args)


if __name__ == "__main__":
    main()
