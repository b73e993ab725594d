"""`chibo api_prune_keys`: forget the API's idempotency keys older than 24 hours."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from chibo.api.idempotency import prune


class Command(BaseCommand):
    help = (
        "Xóa các Idempotency-Key của API đã quá 24 giờ. "
        "Delete the API's stored Idempotency-Key answers created more than 24 hours ago "
        "(api.IdempotencyKey): after that a retry with the same key is a new request. "
        "Idempotent: a second run deletes nothing more; run it daily (cron or a systemd "
        "timer). A write with an expired key of the same user also deletes that one row."
    )

    def handle(self, *args, **options):
        deleted = prune()
        self.stdout.write(_("Đã xóa %(n)d khóa quá 24 giờ.") % {"n": deleted})
