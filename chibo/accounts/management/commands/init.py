"""manage.py init: the first run of a new installation, its root organization and first admin."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chibo.accounts import services
from chibo.core.dates import parse_vn_date
from chibo.core.vn import day_text


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "\n".join(f"  - {m}" for msgs in error.message_dict.values() for m in msgs)
    return "\n".join(f"  - {m}" for m in error.messages)


class Command(BaseCommand):
    help = (
        "First run: create the root organization (--kind province_committee, "
        "district_committee or grassroots: a commune committee directly under a province) "
        "founded on --since (dd/mm/yyyy or yyyy-mm-dd), and its first org-board admin "
        "(--admin USERNAME; the password from --password or asked twice; TOTP is set up at the "
        "first sign-in). One transaction, audited as the system. Refuses a database that "
        "already has a root organization, an unknown kind, a bad date, a username already "
        "taken, a password Django's validators refuse; then exits non-zero and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="root organization code, e.g. HMS")
        parser.add_argument("--name", required=True, help="its name, e.g. 'Đảng bộ huyện Mai Sơn'")
        parser.add_argument(
            "--kind",
            required=True,
            help="province_committee | district_committee | grassroots",
        )
        parser.add_argument("--since", required=True, help="founding date (dd/mm/yyyy)")
        parser.add_argument("--admin", required=True, help="username of the first admin")
        parser.add_argument("--password", help="the admin's password (asked when not given)")
        parser.add_argument("--full-name", dest="full_name", default="", help="admin's full name")

    def handle(self, *args, code, name, kind, since, admin, password, full_name, **options):
        try:
            day = parse_vn_date(since)
        except ValueError:
            day = None
        if day is None:
            raise CommandError(
                f"Ngày không hợp lệ: «{since}» (cần dd/mm/yyyy hoặc yyyy-mm-dd). "
                f"/ Invalid date '{since}'."
            )
        if kind not in services.ROOT_KINDS:
            raise CommandError(
                f"Loại tổ chức không hợp lệ: «{kind}»; chọn một trong: "
                f"{', '.join(services.ROOT_KINDS)}. / Unknown kind."
            )
        if services.has_root():
            raise CommandError(
                "Cơ sở dữ liệu đã có tổ chức gốc: chibo init chỉ dùng cho lần chạy đầu tiên. "
                "/ The database already has a root organization."
            )
        if password is None:
            password = self._ask_password()
        try:
            root, user = services.first_run(
                code=code,
                name=name,
                kind=kind,
                since=day,
                username=admin,
                password=password,
                full_name=full_name,
            )
        except ValidationError as e:
            raise CommandError("Không tạo được (chưa ghi gì):\n" + _messages(e)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo tổ chức gốc {root.code} «{root.name}» ({root.get_kind_display()}), "
                f"thành lập ngày {day_text(day)}.\n"
                f"Đã tạo tài khoản quản trị Ban Tổ chức «{user.username}» tại {root.code}."
            )
        )
        self.stdout.write(
            "Bước tiếp theo / next steps:\n"
            f"  1. Chạy `chibo serve`, đăng nhập bằng «{user.username}»; lần đầu đăng nhập, quét "
            "mã QR để cài xác thực hai bước (TOTP).\n"
            "  2. Lấy tệp mẫu: `chibo template --out FILE.xlsx`, điền tổ chức, thôn bản, đảng "
            "viên...\n"
            "  3. Nhập tệp: `chibo import-workbook FILE.xlsx` (hoặc trang nhập dữ liệu trên "
            "trang của tổ chức).\n"
            "Xem README.md, mục «Bắt đầu với một cấp ủy mới»."
        )

    def _ask_password(self) -> str:
        for _attempt in range(3):
            first = getpass.getpass("Mật khẩu / password: ")
            second = getpass.getpass("Nhập lại / again: ")
            if first and first == second:
                return first
            self.stderr.write("Hai lần nhập không khớp hoặc để trống; nhập lại. / Mismatch.")
        raise CommandError("Không đặt được mật khẩu. / No password set.")
