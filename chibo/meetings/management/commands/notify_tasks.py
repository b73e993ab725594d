"""`chibo notify_tasks [--on dd/mm/yyyy]`: tell members of their tasks due soon or late."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core.dates import parse_vn_date, today
from chibo.meetings import notices


class Command(BaseCommand):
    help = (
        "Nhắc đảng viên các nhiệm vụ sắp đến hạn hoặc đã quá hạn. "
        "Notify the owner of every open task given to a member, in an active cell, whose deadline "
        f"falls within {notices.DUE_SOON_DAYS} days of the day (--on dd/mm/yyyy, default today) "
        "('due'), or has passed ('late'), in the app and linking to the task. Idempotent: each "
        "task's owner hears of it once as due and once as late, however often it runs (run it "
        "daily). Members without an active account are skipped. Prints how many notifications "
        "were created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help=_("ngày, dạng dd/mm/yyyy / the day, dd/mm/yyyy"))

    def handle(self, *args, on=None, **options):
        day = today()
        if on:
            try:
                day = parse_vn_date(on)  # the typed formats of config/formats, 1900–2100
            except ValueError:
                raise CommandError(
                    _("Ngày không hợp lệ: %(d)s (cần dạng dd/mm/yyyy).") % {"d": on}
                ) from None
        with transaction.atomic():
            sent = notices.tasks_due(day)
        self.stdout.write(_("Đã gửi %(n)s thông báo.") % {"n": sent})
