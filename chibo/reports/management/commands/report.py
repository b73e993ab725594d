"""manage.py report: the committee's report of an organization as of a date, as a .docx."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chibo.core.dates import parse_vn_date
from chibo.core.vn import day_text
from chibo.organizations.models import Organization


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Write the report of --org (an organization code) as of --as-of (YYYY-MM-DD or "
        "dd/mm/yyyy) to --out (a .docx), in the organization's report template in use on that "
        "date. Refused, with nothing written, for an unknown code, a date after today or an "
        "organization that did not exist on the date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organization code")
        parser.add_argument("--as-of", dest="as_of", required=True, help="date YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="the .docx to write")

    def handle(self, *args, org, as_of, out, **options):
        from chibo.reports import documents

        try:
            day = parse_vn_date(as_of)
        except ValueError:
            day = None
        if day is None:
            raise CommandError(
                f"Ngày không hợp lệ: '{as_of}' (cần dạng YYYY-MM-DD). "
                f"/ Invalid date '{as_of}' (expected YYYY-MM-DD)."
            )
        node = Organization.objects.filter(code=org).first()
        problem = documents.refusal(node, day, code=org)
        if problem:
            raise CommandError(problem)
        started = time.monotonic()
        content = documents.report(node, day)
        path = Path(out)
        path.write_bytes(content)
        self.stdout.write(
            f"{path} — {node.name} ({node.code}), {day_text(day)}: "
            f"{len(content):,} bytes, {time.monotonic() - started:.1f} s"
        )
