"""Production settings pass `check --deploy` with no error and no warning; every page carries a
Content-Security-Policy with no inline script or style and a Permissions-Policy; the templates
hold no inline script, handler or style; `chibo serve`'s gunicorn sends no Server header."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# The README's "Production on PostgreSQL" environment, behind nginx (docs/operations.md).
PRODUCTION = {
    "CHIBO_SECRET_KEY": "x" * 20 + "production-like-secret-key-0123456789-abcdefghij",
    "CHIBO_ALLOWED_HOSTS": "chibo.example.vn",
    "CHIBO_SECURE_COOKIES": "1",
    "CHIBO_MANIFEST_STATIC": "1",
    "CHIBO_BEHIND_PROXY": "1",
    "CHIBO_CSRF_TRUSTED_ORIGINS": "https://chibo.example.vn",
}


def test_check_deploy_with_the_production_settings_is_clean(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("CHIBO_") and k != "DATABASE_URL"
    }
    env.update(PRODUCTION, CHIBO_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    done = subprocess.run(  # noqa: S603 (a fixed argv)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/members/"])
def test_every_response_carries_the_policies(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"]


def _templates():
    for folder in [ROOT / "templates", *ROOT.glob("chibo/*/templates")]:
        yield from folder.rglob("*.html")


def test_templates_hold_no_inline_script_handler_or_style():
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (r"<script(?![^>]*\bsrc=)[^>]*>", "inline script"),
            (r"\son[a-z]+\s*=", "event handler attribute"),
            (r"\sstyle\s*=", "style attribute"),
        ):
            found += [f"{path.relative_to(ROOT)}: {what}" for _ in re.finditer(pattern, text)]
    assert found == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_of_chibo_serve_sends_no_server_header(tmp_path, monkeypatch):
    from chibo import cli

    port = _free_port()
    monkeypatch.setenv("CHIBO_BIND", f"127.0.0.1:{port}")
    monkeypatch.setenv("CHIBO_WORKERS", "1")
    monkeypatch.setenv("CHIBO_SQLITE_PATH", str(tmp_path / "db.sqlite3"))
    argv = cli.gunicorn_argv(["--control-socket", str(tmp_path / "gunicorn.ctl")])
    server = subprocess.Popen(argv, cwd=ROOT)  # noqa: S603
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                    headers = dict(r.headers)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Server" not in headers
    assert "Content-Security-Policy" in headers
