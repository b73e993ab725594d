"""`chibo meetings_number_documents`: number the documents of records saved before numbers were
written with the record."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from chibo.core import vn
from chibo.meetings.documents import services as services_documents
from chibo.meetings.models import CellMeeting, MeetingDocument


class Command(BaseCommand):
    help = (
        "Đánh số biên bản và nghị quyết của các cuộc họp đã ghi biên bản mà chưa có số. "
        "Number the minutes and the resolution of every recorded meeting (held or confirmed) "
        "that has none yet: records saved before numbers were written with the record. Each "
        "takes its place in meeting order in its series (the cell's term on the meeting's date, "
        "else the calendar year); a number given before may move to keep that order, audited. "
        "Idempotent: a second run changes nothing. Prints how many meetings were numbered. "
        "Audited with no acting user."
    )

    def handle(self, *args, **options):
        numbered = MeetingDocument.objects.values("meeting_id")
        todo = (
            CellMeeting.objects.filter(status__in=CellMeeting.WITH_DOCUMENTS)
            .exclude(pk__in=numbered)
            .order_by("cell_id", "held_on", "scheduled_date", "pk")
        )
        count = 0
        for meeting in todo.iterator(chunk_size=500):
            with transaction.atomic():
                services_documents.documents_number(meeting=meeting, actor=None)
            count += 1
        self.stdout.write(
            _("Đã đánh số tài liệu của %(n)s cuộc họp.") % {"n": vn.format_int(count)}
        )
