"""manage.py demo: build the synthetic Mai Sơn district."""

import time

from django.core.management.base import BaseCommand, CommandError

from chibo.demo import data as d
from chibo.demo.builder import DemoNotEmpty, build_demo, database_is_empty


class Command(BaseCommand):
    help = (
        "Build the demo: the synthetic Mai Sơn district (Sơn La) with the article's figures "
        "as of 31/03/2023 - 47 grassroots organizations, 293 village cells, over 9,300 "
        "synthetic members - and data going on to the current month, "
        "history, committees and their terms, village posts, commune leaders and officials, "
        "succession plans, training courses, the secretary contest and one demo user per role. "
        "Deterministic for a given --seed and day. Runs in one "
        "transaction and refuses a database that already holds organizations, unless "
        "--if-empty is given, in which case it does nothing there (safe to repeat)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=d.DEFAULT_PASSWORD,
            help="password of the demo users (default: %(default)s)",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any organization exists"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=d.DEFAULT_SEED,
            help="seed of the generator (default: %(default)s)",
        )

    def handle(self, *args, password, if_empty, seed, **options):
        if not password:
            raise CommandError("Mật khẩu không được để trống. / The password must not be empty.")
        if if_empty and not database_is_empty():
            self.stdout.write(
                "Cơ sở dữ liệu đã có dữ liệu: bỏ qua dữ liệu mẫu. "
                "/ The database is not empty: demo skipped."
            )
            return
        started = time.monotonic()
        try:
            result = build_demo(seed=seed, password=password)
        except DemoNotEmpty:
            raise CommandError(
                "Cơ sở dữ liệu đã có tổ chức đảng hoặc tài khoản mẫu; chỉ dựng dữ liệu mẫu trên cơ "
                "sở dữ liệu trống (dùng --if-empty để bỏ qua). / The database already holds "
                "organizations or demo users; the demo is only built into an empty database "
                "(use --if-empty to skip)."
            ) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã dựng dữ liệu mẫu huyện Mai Sơn: {len(result.orgs)} tổ chức, "
                f"{len(result.plan.villages)} thôn/bản, {len(result.member_ids)} đảng viên, "
                f"{len(result.users)} tài khoản ({seconds:.1f} s, seed {seed}). "
                f"/ Demo built in {seconds:.1f} s."
            )
        )
