"""The root page: the home of the user's most local role, rendered in place (no redirect: one
round trip less on a slow line); /meetings/home/<kind>/<org>/ for each of their other homes.

A home is one of the user's own roles: anyone asking for a home they do not have gets a 404, the
same as a missing page. The pages behind its buttons check the scope again.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chibo.accounts.scope import Scope
from chibo.core.dates import today
from chibo.organizations import views as organization_views

from ..member import selectors as member_selectors
from . import selectors as sel


@login_required
@require_GET
def home(request):
    scope = Scope.for_user(request.user)
    homes = sel.homes(scope)
    if not homes or scope.superuser:
        # The organization board, a superuser, a user without a role, a database without a tree.
        return organization_views.home(request)
    return _render(request, scope, homes[0], homes)


@login_required
@require_GET
def home_for(request, kind, pk):
    scope = Scope.for_user(request.user)
    homes = sel.homes(scope)
    chosen = next((h for h in homes if (h.kind, h.org_id) == (kind, pk)), None)
    if chosen is None:
        raise Http404
    return _render(request, scope, chosen, homes)


def _render(request, scope, chosen, homes):
    if chosen.kind == sel.BOARD:
        return organization_views.home(request)
    on = today()
    context = {"home": chosen, "others": [h for h in homes if h is not chosen], "on": on}
    if chosen.kind == sel.SECRETARY:
        context.update(sel.secretary_home(chosen.org, on), cell=chosen.org)
    elif chosen.kind == sel.MEMBER:
        member = member_selectors.self_member(scope)
        if member is None:
            raise Http404
        context.update(sel.member_home(member, on))
    elif chosen.kind == sel.COMMUNE:
        context.update(sel.commune_home(chosen.org, on, scope), org=chosen.org)
    else:
        context["cells"] = sel.official_home(request.user, scope, on)
    return render(request, f"meetings/home_{chosen.kind}.html", context)
