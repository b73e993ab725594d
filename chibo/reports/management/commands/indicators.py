"""manage.py indicators: the registered indicators of a subtree as of a date."""

import json

from django.core.management.base import BaseCommand, CommandError

from chibo.core import indicators
from chibo.core.dates import parse_vn_date, today
from chibo.core.vn import day_text
from chibo.organizations.models import Organization
from chibo.organizations.selectors import path_as_of


class Command(BaseCommand):
    # Read-only: no system checks, whose URL check imports every view (the API, openpyxl,
    # python-docx) and costs more than the indicators of a district.
    requires_system_checks = []
    help = (
        "Print every registered indicator for the subtree of --org (an organization code; "
        "default: the first still-valid root) on the structure of --as-of (YYYY-MM-DD; "
        'default: today). --json prints {"org": {id, code, name}, "as_of": ..., '
        '"indicators": [{code, name, value, of, text}]}. Read-only.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="organization code (default: the root)")
        parser.add_argument("--as-of", dest="as_of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")

    def handle(self, *args, org=None, as_of=None, as_json=False, **options):
        day = self._date(as_of)
        node = self._org(org)
        if path_as_of(node, day) is None:
            raise CommandError(
                f"Tổ chức {node.code} không có hiệu lực vào ngày {day_text(day)}. "
                f"/ Organization {node.code} was not valid on {day.isoformat()}."
            )
        rows = indicators.compute_all(node, day)
        if as_json:
            self._print_json(node, day, rows)
        else:
            self._print_table(node, day, rows)

    def _date(self, text):
        if not text:
            return today()
        try:
            day = parse_vn_date(text)
        except ValueError:
            day = None
        if day is None:
            raise CommandError(
                f"Ngày không hợp lệ: '{text}' (cần dạng YYYY-MM-DD). "
                f"/ Invalid date '{text}' (expected YYYY-MM-DD)."
            )
        return day

    def _org(self, code):
        if code:
            node = Organization.objects.filter(code=code).first()
            if node is None:
                raise CommandError(
                    f"Không tìm thấy tổ chức có mã '{code}'. / No organization with code '{code}'."
                )
            return node
        node = (
            Organization.objects.filter(parent__isnull=True, valid_to__isnull=True)
            .order_by("path")
            .first()
        )
        if node is None:
            raise CommandError(
                "Chưa có tổ chức nào (chạy `manage.py demo` để dựng dữ liệu mẫu). "
                "/ No organization yet (run `manage.py demo` for the demo data)."
            )
        return node

    def _print_json(self, node, day, rows):
        payload = {
            "org": {"id": node.pk, "code": node.code, "name": node.name},
            "as_of": day.isoformat(),
            "indicators": rows,
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _print_table(self, node, day, rows):
        self.stdout.write(f"{node.name} ({node.code}) - ngày {day_text(day)}")
        table = [("Mã / code", "Chỉ tiêu / indicator", "Giá trị / value")]
        table += [(r["code"], r["name"], r["text"]) for r in rows]
        widths = [max(len(r[i]) for r in table) for i in range(2)]
        for i, (code, name, text) in enumerate(table):
            self.stdout.write(f"{code.ljust(widths[0])}  {name.ljust(widths[1])}  {text}")
            if i == 0:
                self.stdout.write(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(text)}")
