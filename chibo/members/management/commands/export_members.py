from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chibo.accounts.scope import Scope
from chibo.core import vn
from chibo.core.dates import today
from chibo.members.selectors import filtered_members
from chibo.members.spreadsheets import writing
from chibo.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Export members (active and exempt, as the member list shows by default) to an .xlsx "
        "in the import template's layout, with full citizen IDs. --org CODE limits the export "
        "to that organization's subtree; --out FILE sets the path (default "
        "danh-sach-dang-vien-YYYYMMDD.xlsx in the current directory)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Code of an organization; only members under it.")
        parser.add_argument("--out", help="Path of the .xlsx to write.")

    def handle(self, *args, org=None, out=None, **options):
        scope = Scope(user=None, on=today(), superuser=True)
        node = None
        if org:
            try:
                node = Organization.objects.get(code=org)
            except Organization.DoesNotExist:
                raise CommandError(_("Không có tổ chức mã «%(c)s».") % {"c": org}) from None
        members = filtered_members(scope, {}, org=node)
        path = Path(out or f"danh-sach-dang-vien-{today():%Y%m%d}.xlsx")
        path.write_bytes(writing.export(members, scope))
        self.stdout.write(
            _("Đã xuất %(n)s đảng viên vào %(p)s")
            % {"n": vn.format_int(members.count()), "p": path}
        )
