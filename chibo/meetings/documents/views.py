"""Downloads of a meeting's minutes and resolution, as .docx and, where LibreOffice is
installed, as PDF.

A download checks the reader's scope (404 outside it, as for a missing meeting; see
documents/selectors.py for who reads which document) and that the meeting is recorded: a planned
or returned meeting has no documents yet, and says so. A download writes nothing: the number was
written when the record was saved (documents/services.py); a record saved before that rule shows
a blank number until `meetings_number_documents` runs.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chibo.accounts.scope import Scope
from chibo.core import web

from ..models import MeetingDocument
from . import build, selectors, services

Type = MeetingDocument.Type
KINDS = {"minutes": Type.MINUTES, "resolution": Type.RESOLUTION}
KIND_OF = {v: k for k, v in KINDS.items()}
CONTENT_TYPES = {"docx": build.DOCX_CONTENT_TYPE, "pdf": build.PDF_CONTENT_TYPE}


def document_url(meeting_pk: int, doc_type: str, fmt: str = "docx") -> str:
    return reverse(
        "meetings:document", kwargs={"pk": meeting_pk, "kind": KIND_OF[doc_type], "fmt": fmt}
    )


def _unavailable(request, meeting, doc_type, message, status):
    context = {
        "meeting": meeting,
        "doc_type_label": Type(doc_type).label,
        "message": message,
        "docx_url": document_url(meeting.pk, doc_type) if status == 404 else "",
    }
    return render(request, "meetings/document_unavailable.html", context, status=status)


@login_required
@require_GET
def document(request, pk, kind, fmt):
    """The minutes or the resolution of a recorded meeting, as .docx or PDF."""
    doc_type = KINDS.get(kind)
    if doc_type is None or fmt not in CONTENT_TYPES:
        raise Http404
    scope = Scope.for_user(request.user)
    meeting = selectors.document_meeting_or_404(scope, pk, doc_type)
    if fmt == "pdf" and build.pdf_converter() is None:
        message = _(
            "Máy chủ chưa cài LibreOffice nên không tạo được bản PDF. Hãy tải bản .docx và in "
            "từ Word hoặc LibreOffice."
        )
        return _unavailable(request, meeting, doc_type, message, status=404)
    try:
        issued = services.existing(meeting, doc_type)
    except ValidationError as e:
        return _unavailable(request, meeting, doc_type, " ".join(e.messages), status=409)
    paper = selectors.paper(meeting.pk)
    content = build.docx_bytes(paper, doc_type, issued.number if issued else None)
    if fmt == "pdf":
        try:
            content = build.pdf_bytes(content)
        except build.PdfError:
            message = _("Chưa tạo được bản PDF lúc này. Hãy thử lại sau hoặc tải bản .docx.")
            return _unavailable(request, meeting, doc_type, message, status=503)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    ascii_name, name = build.filenames(paper, doc_type, fmt)
    response["Content-Disposition"] = web.content_disposition(name, ascii_name=ascii_name)
    # Names and reasons for absence: keep the file out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
