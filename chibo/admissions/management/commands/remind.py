"""`chibo remind [--on dd/mm/yyyy]`: the daily reminders of admissions, probation and badges."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.admissions import reminders
from chibo.core.dates import parse_vn_date, today
from chibo.core.vn import day_text


class Command(BaseCommand):
    help = (
        "Nhắc việc hằng ngày: sắp hết dự bị, quá hạn lễ kết nạp, chờ lâu ở một bước, đến đợt xét "
        "tặng Huy hiệu Đảng. "
        "Computes, as of the day (--on dd/mm/yyyy, default today), the probationary members whose "
        f"probation ends within {reminders.PROBATION_NOTICE_DAYS} days and whose cell has not "
        "resolved on their recognition (told to the cell secretary and the commune staff over "
        "the cell), the ceremonies not held within the admission rule's working days of the "
        "decision (the cell secretary and the organization board), the candidates waiting at one "
        "step longer than the admission rule in force allows (the cell secretary and the commune "
        "staff), and the members due a party-age badge at the next award date (the commune staff "
        "and the organization board); each goes to the inbox of those users, linking to the page "
        "where it is done. Idempotent: one notification per person and reminder however often it "
        "runs (run it daily); a reminder is settled when its thing is recorded, and a run for "
        "today settles those no longer due (a run for a past day settles nothing). Prints, per "
        "kind, how many are due, how many notifications were created and how many settled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help=_("ngày, dạng dd/mm/yyyy / the day, dd/mm/yyyy"))

    def handle(self, *args, on=None, **options):
        day = today()
        if on:
            try:
                day = parse_vn_date(on)
            except ValueError:
                raise CommandError(
                    _("Ngày không hợp lệ: %(d)s (cần dạng dd/mm/yyyy).") % {"d": on}
                ) from None
        with transaction.atomic():
            counts = reminders.send(day)
        self.stdout.write(_("Nhắc việc ngày %(d)s:") % {"d": day_text(day)})
        for kind in reminders.KINDS:
            due, sent, gone = counts[kind]
            self.stdout.write(
                _("- %(label)s: %(due)s việc, %(sent)s thông báo mới, %(gone)s đã xong.")
                % {"label": reminders.LABELS[kind], "due": due, "sent": sent, "gone": gone}
            )
        total = sum(sent for _due, sent, _gone in counts.values())
        self.stdout.write(_("Đã gửi %(n)s thông báo.") % {"n": total})
