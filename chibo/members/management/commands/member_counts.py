from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import vn
from chibo.members import counts


class Command(BaseCommand):
    help = (
        "Recount the members still in each cell (active or exempt) and compare with the "
        "counters the services keep (members_cellmembercount), which the tree and the member "
        "lists add up. Prints each cell whose counter differs and exits with status 1 if any "
        "does; with --fix, rewrites those counters instead (idempotent: a second run finds "
        "nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the wrong counters.")

    def handle(self, *args, fix=False, **options):
        with transaction.atomic():
            wrong = counts.differences()
            for cell_id, stored, counted in wrong[:50]:
                self.stdout.write(
                    _("Chi bộ #%(id)s: bộ đếm %(s)s, đếm lại %(c)s")
                    % {"id": cell_id, "s": vn.format_int(stored), "c": vn.format_int(counted)}
                )
            if len(wrong) > 50:
                self.stdout.write(
                    _("… và %(n)s chi bộ khác") % {"n": vn.format_int(len(wrong) - 50)}
                )
            if not wrong:
                self.stdout.write(_("Bộ đếm đảng viên của mọi chi bộ đều đúng."))
                return
            if fix:
                counts.recount()
                self.stdout.write(
                    _("Đã sửa bộ đếm của %(n)s chi bộ.") % {"n": vn.format_int(len(wrong))}
                )
                return
        raise CommandError(
            _("%(n)s chi bộ có bộ đếm sai (chạy lại với --fix để sửa).")
            % {"n": vn.format_int(len(wrong))}
        )
