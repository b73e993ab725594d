"""`chibo restore FILE`: replace the whole live database with a backup made by `chibo backup`."""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from chibo.core import vn
from chibo.core.management import dbcopy

YES = {"y", "yes", "c", "co", "có"}


def stdin_is_tty() -> bool:
    return bool(getattr(sys.stdin, "isatty", lambda: False)())


class Command(BaseCommand):
    help = (
        "Khôi phục toàn bộ cơ sở dữ liệu từ FILE (thay thế hoàn toàn). "
        "Replace the WHOLE database with the backup in FILE: every table, row, user, role and "
        "session is the backup's afterwards; whatever was written since the backup is lost. "
        "FILE must come from `chibo backup` on the same kind of database (SQLite file or "
        "pg_dump custom archive; the kind is read from the file and a mismatch is refused). "
        "SQLite: copied page by page into the live file in one write transaction. PostgreSQL: "
        "pg_restore --clean --if-exists --no-owner in a single transaction (all or nothing). "
        "Asks for confirmation unless --yes; without a terminal --yes is required. Stop the "
        "server first; run `chibo migrate` afterwards if the backup is older than the code."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp sao lưu / the backup file"))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("không hỏi xác nhận / do not ask for confirmation"),
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Django database alias")

    def handle(self, *args, file, yes, database, **options):
        connection = connections[database]
        kind = dbcopy.database_kind(connection)
        source = Path(file).expanduser().absolute()
        if not source.is_file():
            raise CommandError(_("Không có tệp %(f)s.") % {"f": source})
        file_kind = dbcopy.file_kind(source)
        if file_kind is None:
            raise CommandError(
                _(
                    "%(f)s không phải là bản sao lưu của chibo (không phải SQLite, không phải "
                    "pg_dump --format=custom)."
                )
                % {"f": source}
            )
        if file_kind != kind:
            raise CommandError(
                _(
                    "%(f)s là bản sao lưu %(fk)s nhưng cơ sở dữ liệu đang dùng là %(dk)s; không "
                    "thể khôi phục chéo. Hãy dùng bản sao lưu cùng loại."
                )
                % {"f": source, "fk": dbcopy.KIND_LABEL[file_kind], "dk": dbcopy.KIND_LABEL[kind]}
            )
        if connection.in_atomic_block:
            raise CommandError(_("Không thể khôi phục bên trong một giao dịch."))
        if kind == "sqlite":
            dbcopy.sqlite_check_backup(source)

        stat = source.stat()
        made = vn.moment_text(datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC))
        target = dbcopy.describe_database(connection)
        if not yes:
            self.confirm(
                _(
                    "Toàn bộ dữ liệu của %(db)s sẽ bị thay bằng bản sao lưu %(f)s (%(size)s, "
                    "%(made)s). Mọi thay đổi sau thời điểm sao lưu sẽ mất.\n"
                    "Every row of %(db)s will be replaced by the backup. Continue? [có/yes, "
                    "không/no]: "
                )
                % {"db": target, "f": source, "size": dbcopy.human_size(stat.st_size), "made": made}
            )

        if kind == "sqlite":
            dbcopy.sqlite_restore(connection, source)
        else:
            dbcopy.pg_restore(connection, source)

        tables, rows = dbcopy.live_counts(connection)
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã khôi phục %(db)s từ %(f)s (%(size)s): %(t)s bảng, %(r)s dòng.")
                % {
                    "db": target,
                    "f": source,
                    "size": dbcopy.human_size(stat.st_size),
                    "t": vn.format_int(tables),
                    "r": vn.format_int(rows),
                }
            )
        )
        pending, unknown = dbcopy.migration_state(connection)
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Bản sao lưu cũ hơn mã nguồn (%(n)s migration chưa áp dụng): chạy "
                        "`chibo migrate`."
                    )
                    % {"n": len(pending)}
                )
            )
        if unknown:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Bản sao lưu đến từ phiên bản chibo mới hơn (migration lạ: %(m)s): hãy "
                        "nâng cấp chibo trước khi chạy."
                    )
                    % {"m": ", ".join(unknown[:5])}
                )
            )

    def confirm(self, prompt: str) -> None:
        if not stdin_is_tty():
            raise CommandError(
                _(
                    "Khôi phục thay thế toàn bộ dữ liệu; không có terminal để xác nhận, hãy thêm "
                    "--yes. / Restore replaces all data: pass --yes when not at a terminal."
                )
            )
        answer = input(prompt)
        if answer.strip().lower() not in YES:
            raise CommandError(_("Đã hủy, không thay đổi gì. / Cancelled, nothing changed."))
