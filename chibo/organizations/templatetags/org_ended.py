"""The notice on the pages and lists of an organization that ended."""

from django import template

from chibo.organizations.selectors import ending

register = template.Library()


@register.inclusion_tag("organizations/_ended.html")
def ended_notice(org):
    """ "Đã kết thúc từ dd/mm/yyyy, sáp nhập vào …" with links, for an organization that ended;
    nothing for one that runs (and no query)."""
    if org is None or getattr(org, "valid_to", None) is None:
        return {"org": None}
    return {"org": org, **ending(org)}
