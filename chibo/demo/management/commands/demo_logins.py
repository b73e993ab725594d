"""manage.py demo_logins: the table of demo logins."""

from django.core.management.base import BaseCommand

from chibo.accounts.models import RoleAssignment, User
from chibo.core.dates import today
from chibo.demo import data as d


class Command(BaseCommand):
    help = (
        "Print the demo logins (username, role, scope node, password). --password is the "
        "password given to `manage.py demo`; it is checked against each account and shown "
        "only where it still matches. Prints a notice and exits 0 when there are no demo users."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=d.DEFAULT_PASSWORD,
            help="the password the demo was built with (default: %(default)s)",
        )

    def handle(self, *args, password, **options):
        order = [u[0] for u in d.DEMO_USERS]
        users = {u.username: u for u in User.objects.filter(username__in=order)}
        if not users:
            self.stdout.write("Chưa có tài khoản mẫu. / No demo users (run `manage.py demo`).")
            return
        grants: dict[int, list[RoleAssignment]] = {}
        for ra in (
            RoleAssignment.objects.current(today())
            .filter(user__in=users.values())
            .select_related("organization")
            .order_by("user_id", "organization__path")
        ):
            grants.setdefault(ra.user_id, []).append(ra)
        checked: dict[str, bool] = {}  # one hash check per distinct stored hash
        rows = [("Tài khoản / username", "Vai trò / role", "Phạm vi / scope", "Mật khẩu")]
        for username in order:
            user = users.get(username)
            if user is None:
                continue
            if user.password not in checked:
                checked[user.password] = user.check_password(password)
            shown = password if checked[user.password] else "(đã đổi / changed)"
            ras = grants.get(user.pk, [])
            role = ras[0].get_role_display() if ras else "-"
            scope = "; ".join(ra.organization.name for ra in ras) or "-"
            rows.append((username, str(role), scope, shown))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("Tài khoản mẫu / Demo logins - http://127.0.0.1:8000/")
        for i, row in enumerate(rows):
            cells = [c.ljust(w) for c, w in zip(row, widths, strict=False)] + [row[3]]
            self.stdout.write("  ".join(cells))
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths + [len(row[3])]))
        self.stdout.write(
            "demo-admin phải cài mã xác thực hai lớp (TOTP) ở lần đăng nhập đầu: quét mã QR hiển "
            "thị bằng ứng dụng xác thực. / demo-admin must set up TOTP on first login: scan the "
            "QR code shown with an authenticator app."
        )
