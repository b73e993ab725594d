from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chibo.accounts.models import User
from chibo.accounts.scope import Scope
from chibo.core import vn
from chibo.core.dates import today
from chibo.members import services
from chibo.members.spreadsheets import checking, reading


class Command(BaseCommand):
    help = (
        "Import members from an .xlsx in the import template's layout, with the same checks as "
        "the web import. Any error is printed as row, column and message, nothing is written "
        "and the command exits non-zero. Warnings (data the register's rules find suspicious, "
        "such as an admission more than 12 months back without an official date) are printed "
        "by row, column and member; without --accept-warnings they stop the import the same "
        "way. --as USERNAME imports within that user's write scope and audits under that "
        "user; without it the import is a system import with full scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx file.")
        parser.add_argument("--as", dest="username", help="Import as this user (their scope).")
        parser.add_argument(
            "--accept-warnings",
            action="store_true",
            help="Import even though the file has warnings (they are printed all the same).",
        )

    def handle(self, *args, file, username=None, accept_warnings=False, **options):
        if username:
            try:
                actor = User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(_("Không có người dùng «%(u)s».") % {"u": username}) from None
            scope = Scope.for_user(actor)
            if not scope.write_paths and not scope.superuser:
                raise CommandError(
                    _("Người dùng «%(u)s» không có quyền nhập đảng viên.") % {"u": username}
                )
        else:
            actor = None
            scope = Scope(user=None, on=today(), superuser=True)
        try:
            rows = reading.parse(file)
        except FileNotFoundError:
            raise CommandError(_("Không tìm thấy tệp %(f)s.") % {"f": file}) from None
        except reading.SpreadsheetError as exc:
            raise CommandError(exc.message) from None
        clean, errors = checking.validate(rows, scope)
        warnings = [] if errors else checking.warnings_of(clean)
        for w in warnings:
            self.stderr.write(
                _("Cảnh báo: dòng %(row)s, cột «%(col)s»: %(msg)s")
                % {"row": w.row, "col": w.column, "msg": w.message}
            )
        if warnings and not accept_warnings:
            raise CommandError(
                _(
                    "Có %(n)s cảnh báo; không nhập đảng viên nào. Kiểm tra lại, rồi chạy lại "
                    "với --accept-warnings để vẫn nhập."
                )
                % {"n": vn.format_int(len(warnings))}
            )
        if not errors:
            try:
                members = services.members_import(rows=clean, actor=actor, source=str(file))
            except checking.ImportRejected as exc:
                errors = exc.errors
        if errors:
            for e in errors:
                self.stderr.write(
                    _("Dòng %(row)s, cột «%(col)s»: %(msg)s")
                    % {"row": e.row or "—", "col": e.column or "—", "msg": e.message}
                )
            raise CommandError(
                _("Có %(n)s lỗi; không nhập đảng viên nào.") % {"n": vn.format_int(len(errors))}
            )
        self.stdout.write(_("Đã nhập %(n)s đảng viên") % {"n": vn.format_int(len(members))})
