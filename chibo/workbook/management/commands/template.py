from django.core.management.base import BaseCommand

from chibo.workbook import exporter


class Command(BaseCommand):
    help = (
        "Write the blank workbook (instructions and one sheet per kind of data) to --out: "
        "fill it and load it with import_workbook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Path of the .xlsx file to write.")

    def handle(self, *args, out, **options):
        with open(out, "wb") as f:
            f.write(exporter.build(with_data=False))
        self.stdout.write(f"Đã ghi mẫu sổ dữ liệu / template written: {out}")
