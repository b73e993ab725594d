import os
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from chibo.accounts.models import User
from chibo.accounts.scope import Scope
from chibo.workbook import importer


class Command(BaseCommand):
    help = (
        "Import a chibo workbook (.xlsx, any subset of its sheets): every error by sheet, row "
        "and column, nothing written on any error; warnings stop the import unless "
        "--accept-warnings; --dry-run checks and counts without writing. Importing the same "
        "file twice changes nothing. On an empty database a workbook with the root creates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx file.")
        parser.add_argument("--as", dest="username", help="Import as this user (their scope).")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--accept-warnings",
            action="store_true",
            help="Import although the data has warnings (after reading them).",
        )

    def handle(self, *args, file, username=None, dry_run=False, accept_warnings=False, **opts):
        actor, scope = None, None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản «{username}» / no user {username}")
            scope = Scope.for_user(actor)
        if not os.path.exists(file):
            raise CommandError(f"Không có tệp «{file}» / no such file")
        started = time.monotonic()

        def progress(done, total, label):
            sys.stderr.write(f"\r[{done}/{total}] {label:<40}")
            sys.stderr.flush()

        result = importer.import_workbook(
            file,
            actor=actor,
            scope=scope,
            dry_run=dry_run,
            accept_warnings=accept_warnings,
            progress=progress,
            source=os.path.basename(file),
        )
        sys.stderr.write("\n")
        for p in result.errors:
            self.stderr.write(_line("Lỗi", p))
        for p in result.warnings:
            self.stderr.write(_line("Cảnh báo", p))
        for line in importer.summary_lines(result):
            self.stdout.write(line)
        seconds = time.monotonic() - started
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} lỗi: không có gì được ghi / {len(result.errors)} errors: "
                "nothing written"
            )
        if result.needs_confirmation and not dry_run:
            raise CommandError(
                f"{len(result.warnings)} cảnh báo: không có gì được ghi; đọc các cảnh báo rồi chạy "
                "lại với --accept-warnings / warnings: nothing written; rerun with "
                "--accept-warnings"
            )
        if dry_run:
            self.stdout.write(f"Kiểm tra xong, không ghi gì (--dry-run) ({seconds:.1f} s)")
        else:
            self.stdout.write(f"Đã nhập / imported ({seconds:.1f} s)")


def _line(kind, p):
    where = " · ".join(
        x for x in (p.sheet and f"trang «{p.sheet}»", p.row and f"dòng {p.row}", p.column) if x
    )
    return f"{kind}: {where}: {p.message}" if where else f"{kind}: {p.message}"
