"""The `chibo` console command: names, pass-through to manage.py, `serve`."""

import subprocess
import sys
from pathlib import Path

import django.core.management
import pytest

from chibo import cli


@pytest.fixture
def managed(monkeypatch):
    """The argv each manage.py run would get."""
    calls = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", calls.append)
    return calls


def test_help_lists_every_chibo_command_in_both_languages(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in (
        "demo",
        "import-members",
        "export-members",
        "indicators",
        "backup",
        "restore",
        "serve",
        "migrate",
    ):
        assert f"  {word} " in out
    assert "Sao lưu toàn bộ cơ sở dữ liệu" in out and "Back up the whole database" in out
    assert cli.main([]) == 0


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["import-members", "ds.xlsx", "--as", "admin"],
            ["chibo", "import_members", "ds.xlsx", "--as", "admin"],
        ),
        (["export-members", "--org", "XA"], ["chibo", "export_members", "--org", "XA"]),
        (["backup", "chibo.backup"], ["chibo", "backup", "chibo.backup"]),
        (["restore", "chibo.backup", "--yes"], ["chibo", "restore", "chibo.backup", "--yes"]),
        (["createsuperuser"], ["chibo", "createsuperuser"]),
        (["check", "--deploy"], ["chibo", "check", "--deploy"]),
        (["help", "import-members"], ["chibo", "import_members", "--help"]),
    ],
)
def test_words_map_to_manage_py_commands(managed, argv, expected):
    assert cli.main(argv) == 0
    assert managed == [expected]


def test_serve_migrates_then_becomes_gunicorn(monkeypatch):
    steps = []
    monkeypatch.setattr(
        django.core.management, "call_command", lambda name, **kw: steps.append(("call", name))
    )
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: steps.append(("exec", argv)))
    monkeypatch.setattr(subprocess, "Popen", lambda argv: steps.append(("spawn", argv[-3:])))
    monkeypatch.setenv("CHIBO_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("CHIBO_WORKERS", "3")

    cli.main(["serve", "--timeout", "60"])

    assert steps[0] == ("call", "migrate")
    assert steps[1] == ("spawn", ["db_worker", "--no-reload", "-v0"])  # the task worker
    kind, argv = steps[2]
    assert kind == "exec" and argv[0] == sys.executable
    assert argv[1:4] == ["-m", "gunicorn", "config.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[-2:] == ["--timeout", "60"]


def test_serve_defaults(monkeypatch):
    monkeypatch.delenv("CHIBO_BIND", raising=False)
    monkeypatch.delenv("CHIBO_WORKERS", raising=False)
    monkeypatch.setattr(cli, "cpu_count", lambda: 4)

    argv = cli.gunicorn_argv([])

    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == "9"


def test_console_script_works_from_any_folder(tmp_path):
    script = Path(sys.executable).parent / "chibo"
    if not script.exists():
        pytest.skip("the chibo console script is not installed (uv sync)")

    result = subprocess.run(
        [str(script), "backup", "--help"], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert "usage: chibo backup" in result.stdout and "pg_dump" in result.stdout
