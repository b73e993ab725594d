import sys
import time

from django.core.management.base import BaseCommand, CommandError

from chibo.organizations.models import Organization
from chibo.workbook import exporter


class Command(BaseCommand):
    help = (
        "Export everything under an organization (--org CODE; default: the whole database), "
        "history included, as the workbook import_workbook reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="Code of the organization (default: everything).")
        parser.add_argument("--out", required=True, help="Path of the .xlsx file to write.")

    def handle(self, *args, org=None, out, **options):
        root = None
        if org:
            root = Organization.objects.filter(code=org).first()
            if root is None:
                raise CommandError(f"Không có tổ chức mã «{org}» / no organization {org}")
        started = time.monotonic()

        def progress(done, total, label):
            sys.stderr.write(f"\r[{done}/{total}] {label:<40}")
            sys.stderr.flush()

        data = exporter.build(root, progress=progress)
        sys.stderr.write("\n")
        with open(out, "wb") as f:
            f.write(data)
        self.stdout.write(
            f"Đã xuất / exported: {out} ({len(data) // 1024} KB, "
            f"{time.monotonic() - started:.1f} s)"
        )
