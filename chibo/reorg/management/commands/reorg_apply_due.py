from django.core.management.base import BaseCommand

from chibo.reorg.services import reorg_apply_due


class Command(BaseCommand):
    help = (
        "Apply the reorganization plans waiting for their date (status 'scheduled') whose date "
        "is today, each all or nothing; a plan refused (a conflict arisen since, or a day "
        "missed) becomes a draft again, with the reasons in its audit event and printed here. "
        "Run once a day, after midnight (Asia/Ho_Chi_Minh); a second run the same day does "
        "nothing. Exit status 1 if a plan was refused."
    )

    def handle(self, *args, **options):
        results = reorg_apply_due()
        refused = 0
        for plan, reasons in results:
            if reasons:
                refused += 1
                self.stderr.write(f"{plan.pk} {plan}: " + " ".join(reasons))
            else:
                self.stdout.write(f"{plan.pk} {plan}: applied")
        self.stdout.write(f"{len(results) - refused} applied, {refused} refused")
        if refused:
            raise SystemExit(1)
