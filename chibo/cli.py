"""The `chibo` console command: chibo's own commands by name, everything else to manage.py.

`chibo import-members FILE` runs `manage.py import_members FILE`; `chibo serve` migrates and
then becomes gunicorn; any other word (`migrate`, `createsuperuser`, `shell`...) is passed to
manage.py unchanged. Works from any working directory.
"""

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# chibo word -> (manage.py command or None, Vietnamese line, English line), in --help order.
COMMANDS = {
    "init": (
        "init",
        "Lần chạy đầu: tạo tổ chức gốc và tài khoản quản trị đầu tiên",
        "First run: create the root organization and the first admin",
    ),
    "demo": (
        "demo",
        "Tạo dữ liệu mẫu: huyện Mai Sơn giả lập (chỉ vào cơ sở dữ liệu trống)",
        "Build the synthetic Mai Sơn demo district (empty database only)",
    ),
    "import-members": (
        "import_members",
        "Nhập danh sách đảng viên từ tệp Excel (.xlsx)",
        "Import members from a spreadsheet (.xlsx)",
    ),
    "export-members": (
        "export_members",
        "Xuất danh sách đảng viên ra tệp Excel",
        "Export members to a spreadsheet",
    ),
    "template": (
        "template",
        "Ghi mẫu sổ dữ liệu (.xlsx): mọi loại dữ liệu, có hướng dẫn",
        "Write the blank workbook template (.xlsx) with instructions",
    ),
    "import-workbook": (
        "import_workbook",
        "Nhập sổ dữ liệu (.xlsx): tổ chức, đảng viên, cấp ủy, sinh hoạt... tất cả hoặc không",
        "Import a workbook (.xlsx): structure, members, committees, meetings; all or nothing",
    ),
    "export-workbook": (
        "export_workbook",
        "Xuất toàn bộ dữ liệu của một tổ chức, kể cả lịch sử, ra sổ dữ liệu (.xlsx)",
        "Export everything under an organization, history included, as a workbook",
    ),
    "indicators": (
        "indicators",
        "In các chỉ số tổng hợp của một tổ chức, tại một ngày",
        "Print the indicators of an organization subtree, as of a date",
    ),
    "report": (
        "report",
        "Lập báo cáo của một tổ chức tại một ngày ra tệp Word (.docx), theo mẫu của tổ chức",
        "Write an organization's report as of a date to a .docx, in its report template",
    ),
    "backup": (
        "backup",
        "Sao lưu toàn bộ cơ sở dữ liệu vào FILE (an toàn khi đang chạy)",
        "Back up the whole database to FILE (safe while the server runs)",
    ),
    "restore": (
        "restore",
        "Khôi phục toàn bộ cơ sở dữ liệu từ FILE (thay thế hoàn toàn)",
        "Restore the whole database from FILE (full replacement)",
    ),
    "serve": (
        None,
        "Cập nhật cơ sở dữ liệu rồi chạy máy chủ web (gunicorn)",
        "Apply migrations, then run the web server (gunicorn)",
    ),
    "db_worker": (
        "db_worker",
        "Chạy việc nền (nhập sổ dữ liệu); chibo serve tự chạy một tiến trình này",
        "Run background tasks (workbook imports); chibo serve starts one itself",
    ),
    "migrate": (
        "migrate",
        "Cập nhật cấu trúc cơ sở dữ liệu (sau mỗi lần nâng cấp)",
        "Apply database migrations (after every upgrade)",
    ),
    "createsuperuser": (
        "createsuperuser",
        "Tạo tài khoản quản trị",
        "Create an administrator account",
    ),
    "collectstatic": (
        "collectstatic",
        "Gom tệp tĩnh (CSS, JS) vào var/static cho môi trường chạy thật",
        "Collect static files into var/static for production",
    ),
}

HELP_TAIL = """
Mọi lệnh khác được chuyển cho manage.py (ví dụ: chibo shell, chibo check --deploy).
Any other command goes to manage.py (e.g. chibo shell, chibo check --deploy).
Trợ giúp của một lệnh / help for one command: chibo COMMAND --help

chibo serve: CHIBO_BIND (127.0.0.1:8000), CHIBO_WORKERS (2 × CPU + 1); further options go to
gunicorn (chibo serve --timeout 60). Settings come from the environment: docs/operations.md.
"""


def usage() -> str:
    width = max(len(w) for w in COMMANDS)
    lines = [
        "chibo: chi bộ, cấp ủy, sinh hoạt chi bộ",
        "",
        "Cách dùng / usage: chibo COMMAND [...]",
        "",
    ]
    for word, (_command, vi, en) in COMMANDS.items():
        lines.append(f"  {word:<{width}}  {vi}")
        lines.append(f"  {'':<{width}}  {en}")
    return "\n".join(lines) + "\n" + HELP_TAIL


def setup_environment() -> None:
    """Make `config` importable and point Django at its settings, whatever the working folder."""
    root = str(PROJECT_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers)
    except AttributeError:
        return os.cpu_count() or 1


def gunicorn_argv(extra: list[str]) -> list[str]:
    """The gunicorn command line for `chibo serve`, from CHIBO_BIND and CHIBO_WORKERS."""
    bind = os.environ.get("CHIBO_BIND", "127.0.0.1:8000")
    workers = os.environ.get("CHIBO_WORKERS") or str(2 * cpu_count() + 1)
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--config", str(PROJECT_ROOT / "config" / "gunicorn.conf.py"),
        "--pythonpath", str(PROJECT_ROOT),
        "--bind", bind,
        "--workers", workers,
        "--access-logfile", "-",
        *extra,
    ]  # fmt: skip


def serve(extra: list[str]) -> int:
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=1)
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" in storage and not manifest.exists():
        print(
            "chibo serve: chưa gom tệp tĩnh, hãy chạy `chibo collectstatic --noinput` / "
            "static files not collected: run `chibo collectstatic --noinput`",
            file=sys.stderr,
        )
    if os.environ.get("CHIBO_WORKER", "1") != "0":
        # The task worker (workbook imports) beside gunicorn; CHIBO_WORKER=0 when it runs as a
        # service of its own (`chibo db_worker`).
        import subprocess

        subprocess.Popen(  # noqa: S603  a fixed argv, no shell
            [sys.executable, str(PROJECT_ROOT / "manage.py"), "db_worker", "--no-reload", "-v0"]
        )
    argv = gunicorn_argv(extra)
    # gunicorn takes over this process: signals and the exit code are its own.
    os.execv(argv[0], argv)  # noqa: S606 (a fixed argv, no shell)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        if len(argv) > 1 and argv[0] == "help":  # `chibo help backup`
            argv = [argv[1], "--help"]
        else:
            sys.stdout.write(usage())
            return 0
    setup_environment()
    word, rest = argv[0], argv[1:]
    if word == "serve":
        return serve(rest)
    command = COMMANDS[word][0] if word in COMMANDS else word
    from config import startup

    startup.setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["chibo", command, *rest])
    return 0
