"""`chibo backup FILE`: a consistent copy of the whole live database, safe while the server runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from chibo.core.management import dbcopy


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ cơ sở dữ liệu vào FILE, an toàn khi máy chủ đang chạy. "
        "Copy the whole database to FILE while the server runs. "
        "SQLite: the online backup API (one consistent snapshot; FILE is a SQLite database). "
        "PostgreSQL: pg_dump --format=custom (connection from DATABASE_URL, password through "
        "PGPASSWORD; pg_dump must be as new as the server, found on PATH, in "
        "/usr/lib/postgresql/*/bin or in CHIBO_PG_BIN). FILE is written readable by its owner "
        "only and appears only when complete; an existing FILE is kept unless --force. "
        "Put it back with `chibo restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp sao lưu sẽ tạo / the backup file to write"))
        parser.add_argument(
            "--force", action="store_true", help=_("ghi đè FILE nếu đã có / overwrite FILE")
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Django database alias")

    def handle(self, *args, file, force, database, **options):
        connection = connections[database]
        kind = dbcopy.database_kind(connection)
        target = Path(file).expanduser().absolute()
        if target.is_dir():
            raise CommandError(_("%(f)s là một thư mục; hãy cho tên tệp.") % {"f": target})
        if not target.parent.is_dir():
            raise CommandError(_("Thư mục %(d)s không tồn tại.") % {"d": target.parent})
        if target.exists() and not force:
            raise CommandError(_("%(f)s đã có; dùng --force để ghi đè.") % {"f": target})
        if kind == "sqlite":
            summary = dbcopy.sqlite_backup(connection, target)
        else:
            summary = dbcopy.pg_backup(connection, target)
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã sao lưu %(db)s vào %(f)s (%(s)s).")
                % {"db": dbcopy.describe_database(connection), "f": target, "s": summary.text()}
            )
        )
