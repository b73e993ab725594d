"""`chibo meetings_generate --month YYYY-MM [--org CODE]`: plan a month's regular meetings."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chibo.core.forms import MonthField
from chibo.meetings import lifecycle
from chibo.organizations.models import Organization


def parse_month(text: str) -> datetime.date:
    """The month as the pages read it (core.forms.MonthField: yyyy-mm or mm/yyyy, 1900–2100)."""
    try:
        return MonthField().clean(text)
    except ValidationError as e:
        raise CommandError(f"{text}: {e.messages[0]}") from None


class Command(BaseCommand):
    help = (
        "Tạo lịch sinh hoạt chi bộ thường kỳ của một tháng. "
        "Plan the regular meeting of month YYYY-MM for every cell under --org CODE (a cell, a "
        "commune or a district; without --org, every top-level organization), as the structure "
        "stood that month: a cell gets a meeting if it exists, under the organization, on its "
        "scheduled day. The day comes from the meeting-day rule in force (the nearest "
        "organization's rule, else the global one: residential cells the 24th, agency cells the "
        "25th) with its Sunday and holiday shifts; the agenda is copied from the template in "
        "force. Idempotent: a cell that already has its regular meeting of that month is left "
        "alone, so running it twice creates nothing new and a rule changed since does not move a "
        "meeting already planned or recorded. Prints how many meetings were created. "
        "Audited with no acting user."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", required=True, help=_("tháng, dạng YYYY-MM / the month, YYYY-MM")
        )
        parser.add_argument(
            "--org",
            default=None,
            help=_(
                "mã tổ chức (mặc định: mọi tổ chức cấp cao nhất) / "
                "organization code (default: every top-level organization)"
            ),
        )

    def handle(self, *args, month, org, **options):
        first = parse_month(month)
        if org:
            try:
                orgs = [Organization.objects.get(code=org)]
            except Organization.DoesNotExist:
                raise CommandError(_("Không có tổ chức mã %(c)s.") % {"c": org}) from None
        else:
            orgs = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
        total = 0
        for o in orgs:
            created = lifecycle.meetings_generate(org=o, month=first, actor=None)
            total += len(created)
            self.stdout.write(
                _("%(org)s: đã tạo %(n)s buổi sinh hoạt tháng %(m)s.")
                % {"org": o.name, "n": len(created), "m": f"{first:%m/%Y}"}
            )
        self.stdout.write(self.style.SUCCESS(_("Tổng cộng: %(n)s buổi mới.") % {"n": total}))
