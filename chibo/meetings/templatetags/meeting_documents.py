"""{% meeting_document_links meeting %}: the download links of a meeting's documents that the
signed-in user may read (the views check again: a link is only a convenience)."""

from django import template

from chibo.accounts.scope import Scope

from .. import documents, selectors_documents
from ..models import CellMeeting, MeetingDocument
from ..views_documents import document_url

register = template.Library()


@register.inclusion_tag("meetings/_document_link_list.html", takes_context=True)
def meeting_document_links(context, meeting):
    request = context.get("request")
    user = getattr(request, "user", None)
    if meeting is None or user is None or not user.is_authenticated:
        return {"links": [], "recorded": False}
    types = selectors_documents.readable_types(Scope.for_user(user), meeting)
    recorded = meeting.status in CellMeeting.WITH_DOCUMENTS
    if not types or not recorded:
        return {"links": [], "recorded": recorded, "readable": bool(types)}
    issued = {
        d.doc_type: d for d in MeetingDocument.objects.filter(meeting=meeting, doc_type__in=types)
    }
    pdf = documents.pdf_converter() is not None
    links = [
        {
            "label": MeetingDocument.Type(t).label,
            "number": documents.number_text(issued[t].number, t) if t in issued else "",
            "docx": document_url(meeting.pk, t, "docx"),
            "pdf": document_url(meeting.pk, t, "pdf") if pdf else "",
        }
        for t in types
    ]
    return {"links": links, "recorded": True, "readable": True}
