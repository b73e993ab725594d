"""The list of pages a phone keeps for use with no signal (static/js/app.js reads it)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chibo.accounts.scope import Scope
from chibo.core.dates import today

from .selectors import offline_pages

# What every kept page needs to show and work with no signal.
ASSETS = [
    "css/chibo.css",
    "css/meeting-record.css",
    "js/app.js",
    "js/meeting-record.js",
    "django_htmx/htmx-2.min.js",
    "icons/icon-192.png",
]


@login_required
@never_cache
@require_GET
def pages(request):
    """The user's pages to keep (scoped like every page: only what the user may read), the
    static files they need, and a fresh CSRF token for sending what was kept on the phone. A
    user with no cell to keep gets the offline page alone."""
    scope = Scope.for_user(request.user)
    kept = offline_pages(scope, today())
    return JsonResponse(
        {
            "user": request.user.pk,
            "csrf": get_token(request),
            "offline": reverse("offline"),
            "pages": [{"url": p.url, "title": p.title} for p in kept],
            "assets": [static(a) for a in ASSETS],
        }
    )
