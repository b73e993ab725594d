"""{% meeting_document_links meeting %}: the download links of a meeting's documents that the
signed-in user may read (the views check again: a link is only a convenience)."""

from django import template

from chibo.accounts.scope import Scope

from ..documents import build, selectors
from ..documents.views import document_url
from ..models import CellMeeting, MeetingDocument

register = template.Library()


@register.inclusion_tag("meetings/_document_link_list.html", takes_context=True)
def meeting_document_links(context, meeting):
    request = context.get("request")
    user = getattr(request, "user", None)
    if meeting is None or user is None or not user.is_authenticated:
        return {"links": [], "recorded": False}
    types = selectors.readable_types(Scope.for_user(user), meeting)
    recorded = meeting.status in CellMeeting.WITH_DOCUMENTS
    if not types or not recorded:
        return {"links": [], "recorded": recorded, "readable": bool(types)}
    issued = {
        d.doc_type: d for d in MeetingDocument.objects.filter(meeting=meeting, doc_type__in=types)
    }
    pdf = build.pdf_converter() is not None
    links = [
        {
            "label": MeetingDocument.Type(t).label,
            "number": build.number_text(issued[t].number, t) if t in issued else "",
            "docx": document_url(meeting.pk, t, "docx"),
            "pdf": document_url(meeting.pk, t, "pdf") if pdf else "",
        }
        for t in types
    ]
    return {"links": links, "recorded": True, "readable": True}
