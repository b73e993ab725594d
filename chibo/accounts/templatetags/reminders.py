"""`{% todo_block %}`: the "Cần làm" block of a home page, the user's open reminders."""

from django import template

from chibo.accounts.notifications import open_reminders
from chibo.accounts.scope import Scope

register = template.Library()


@register.inclusion_tag("accounts/_todo.html", takes_context=True)
def todo_block(context, org=None):
    """The signed-in user's open reminders (one query); with `org`, only on the page of an
    organization where the user holds a role (their own home, not every page they can read)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reminders": []}
    if org is not None:
        scope = Scope.for_user(user)
        if not any(g.org_id == org.pk for g in scope.grants):
            return {"reminders": []}
    return {"reminders": open_reminders(user)}
