#!/usr/bin/env python
"""Soak: R readers and W writers against gunicorn for a fixed time, on loopback; 0 errors wanted.

    .venv/bin/python bench/soak.py                                   # SQLite (a temp file)
    scripts/with-postgres.sh .venv/bin/python bench/soak.py          # PostgreSQL

1. Data, in a fresh database (a temporary SQLite file, or the throwaway PostgreSQL database of
   DATABASE_URL): migrate, the test tree of conftest.py (a district, two communes, three cells),
   W members in cell A, and R + W cell secretaries of cell A (same password, hashed once).
2. gunicorn (`config.wsgi`, --workers, DEBUG off) on a free loopback port.
3. Each user signs in through the login form, then, until --minutes pass (or --max-requests in
   all): a reader GETs the member list, a member's page, the cell's page and its meeting list in
   turn; a writer GETs its own member's edit page and POSTs it back with another occupation
   (expects the redirect to the member's page). Loopback only; bounded in time and count.
4. Per request type: count, errors (any other status, or a failed connection), p50, p99, max;
   then, in the database: each writer's last occupation saved.
5. Writes bench/results/soak-<database>.{json,md}; stops gunicorn.
"""

import argparse
import http.client
import http.cookies
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "soak-password-not-secret"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def setup(readers: int, writers: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from chibo.accounts.models import Role, RoleAssignment, User
    from conftest import D0, Tree, make_member

    tree = Tree()
    cell = tree.cell_a
    members = [
        make_member(cell, f"Người Ghi {i:02d}", card=f"0900{i:04d}", cid=f"01409009{i:04d}")
        for i in range(writers)
    ]
    hashed = make_password(PASSWORD)
    users = []
    for i in range(readers + writers):
        user = User.objects.create(username=f"soak-{i:02d}", password=hashed, full_name=f"S {i}")
        RoleAssignment.objects.create(
            user=user, role=Role.CELL_SECRETARY, organization=cell, valid_from=D0
        )
        users.append(user.username)
    return {
        "readers": users[:readers],
        "writers": list(zip(users[readers:], [m.pk for m in members], strict=True)),
        "read_urls": [
            reverse("members:list"),
            reverse("members:detail", args=[tree.member_a.pk]),
            reverse("organizations:detail", args=[cell.pk]),
            reverse("meetings:cell", args=[cell.pk]),
        ],
        "login": reverse("accounts:login"),
    }


class Client:
    """One browser: a connection and a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = None

    def request(self, method, path, body=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn's sync workers close idle keep-alive connections: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("Location", ""), data.decode("utf-8", "replace")


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_fields(page: str) -> dict:
    """The inputs, selects and textareas of the page's first POST form (enough for the member
    edit form)."""
    form = page[page.index('<form method="post"') :]
    form = form[: form.index("</form>")]
    data = {}
    for tag in re.finditer(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag[0])
        if not name or 'type="submit"' in tag[0]:
            continue
        value = re.search(r'value="([^"]*)"', tag[0])
        if 'type="checkbox"' in tag[0] and "checked" not in tag[0]:
            continue
        data[name[1]] = _unescape(value[1]) if value else ""
    for sel in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', sel[2])
        data[sel[1]] = _unescape(chosen[1]) if chosen else ""
    for area in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[area[1]] = _unescape(area[2].lstrip("\n"))
    return data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.total = 0

    def add(self, kind: str, ms: float, error: str | None = None):
        with self.lock:
            self.rows.setdefault(kind, []).append(ms)
            self.total += 1
            if error:
                self.errors.append(f"{kind}: {error}")


def timed(stats, kind, call, expect):
    t = time.perf_counter()
    try:
        status, location, body = call()
    except OSError as e:
        stats.add(kind, (time.perf_counter() - t) * 1000, f"connection: {e}")
        return None
    ms = (time.perf_counter() - t) * 1000
    stats.add(kind, ms, None if status == expect else f"status {status} {location}")
    return status, location, body


def sign_in(client: Client, login: str, username: str, stats: Stats) -> bool:
    got = timed(stats, "login GET", lambda: client.request("GET", login), 200)
    if not got:
        return False
    token = TOKEN.search(got[2])[1]
    body = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    return bool(timed(stats, "login POST", lambda: client.request("POST", login, body), 302))


def reader(port, plan, username, stats, until, budget):
    client = Client(port)
    if not sign_in(client, plan["login"], username, stats):
        return
    i = 0
    while time.monotonic() < until and budget.take():
        url = plan["read_urls"][i % len(plan["read_urls"])]
        timed(stats, "read GET", lambda url=url: client.request("GET", url), 200)
        i += 1


def writer(port, plan, username, member_pk, stats, until, budget, last):
    client = Client(port)
    if not sign_in(client, plan["login"], username, stats):
        return
    edit = f"/members/{member_pk}/edit/"
    i = 0
    while time.monotonic() < until and budget.take():
        got = timed(stats, "edit GET", lambda: client.request("GET", edit), 200)
        if not got:
            continue
        data = form_fields(got[2])
        data["occupation"] = f"Nghề {i}"
        if timed(stats, "edit POST", lambda d=data: client.request("POST", edit, d), 302):
            last[member_pk] = data["occupation"]
        i += 1


class Budget:
    """At most n requests in all (a bound besides the time)."""

    def __init__(self, n):
        self.n, self.lock = n, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            self.n -= 1
            return self.n >= 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary(values, errors):
    if not values:
        return {"count": 0, "errors": errors}
    q = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {
        "count": len(values),
        "errors": errors,
        "p50_ms": round(statistics.median(values), 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(values), 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--writers", type=int, default=10)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--max-requests", type=int, default=2_000_000)
    ap.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="chibo-soak-")
    if "DATABASE_URL" not in os.environ:
        os.environ["CHIBO_SQLITE_PATH"] = str(Path(tmp) / "soak.sqlite3")
    os.environ.update(CHIBO_DEBUG="0", CHIBO_ALLOWED_HOSTS="127.0.0.1")
    plan = setup(args.readers, args.writers)
    from django.db import connection

    database = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    db_label = (
        f"PostgreSQL {connection.pg_version // 10000} (scripts/with-postgres.sh, loopback)"
        if database == "postgresql"
        else "SQLite (WAL) in a temporary file"
    )
    connection.close()
    port = free_port()
    cmd = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--config", str(ROOT / "config" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--control-socket", str(Path(tmp) / "gunicorn.ctl"),
    ]  # fmt: skip
    log = open(Path(tmp) / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
    try:
        for _ in range(150):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        stats, budget, last = Stats(), Budget(args.max_requests), {}
        t0 = time.monotonic()
        until = t0 + args.minutes * 60
        threads = [
            threading.Thread(target=reader, args=(port, plan, u, stats, until, budget))
            for u in plan["readers"]
        ] + [
            threading.Thread(target=writer, args=(port, plan, u, pk, stats, until, budget, last))
            for u, pk in plan["writers"]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t0
    finally:
        server.terminate()
        server.wait(60)
        log.close()
    from chibo.members.models import Member

    saved = dict(Member.objects.filter(pk__in=last).values_list("pk", "occupation"))
    lost = sorted(pk for pk, occupation in last.items() if saved.get(pk) != occupation)
    kinds = ["login GET", "login POST", "read GET", "edit GET", "edit POST"]
    by_kind = {k: sum(1 for e in stats.errors if e.startswith(f"{k}:")) for k in kinds}
    everything = [ms for k in kinds for ms in stats.rows.get(k, [])]
    report = {
        "command": ("scripts/with-postgres.sh " if database == "postgresql" else "")
        + " ".join([".venv/bin/python", "bench/soak.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": f"{os.cpu_count()} CPUs shared with other work, 1-minute load average at "
        f"the end: {os.getloadavg()[0]:.1f}",
        "database": db_label,
        "server": f"gunicorn --workers {args.workers} (DEBUG off)",
        "readers": args.readers,
        "writers": args.writers,
        "wall_s": round(wall, 1),
        "requests": {k: summary(stats.rows.get(k, []), by_kind[k]) for k in kinds},
        "all": summary(everything, len(stats.errors)),
        "errors_sample": stats.errors[:20],
        "writes_lost": lost,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if not args.no_save:
        out = ROOT / "bench" / "results" / f"soak-{database}"
        out.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        lines = [
            f"# Soak on {db_label}",
            "",
            f"`{report['command']}` at {report['date']} (git {report['git']}), "
            f"{report['machine']}; {report['server']}; {args.readers} readers and "
            f"{args.writers} writers for {report['wall_s']} s.",
            "",
            "| request | count | errors | p50 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for k, row in [*report["requests"].items(), ("all", report["all"])]:
            lines.append(
                f"| {k} | {row['count']} | {row['errors']} | {row.get('p50_ms', '')} | "
                f"{row.get('p99_ms', '')} | {row.get('max_ms', '')} |"
            )
        lines += ["", f"Writes lost (last occupation not saved): {len(lost)}.", ""]
        out.with_suffix(".md").write_text("\n".join(lines))
    return 1 if stats.errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
