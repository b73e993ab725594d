import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import Role

# Not held by the TOTP step or a forced password change: the sign-in pages, static files, the
# installable app's service worker and manifest (every page, the OTP page too, registers the
# worker: a redirect made the browser refuse it), the API (its own token auth), the health check.
EXEMPT_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/api/",
    "/healthz",
    "/sw.js",
    "/manifest.webmanifest",
)


class RequireOTPMiddleware:
    """Org-board admins must have passed a TOTP check in this session before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and needs_otp(user)
        ):
            next_url = urlencode({"next": request.get_full_path()})
            return redirect(reverse("accounts:otp") + "?" + next_url)
        return self.get_response(request)


class RequirePasswordChangeMiddleware:
    """A user whose password an admin reset chooses their own before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)


def needs_otp(user) -> bool:
    from chibo.accounts.scope import Scope

    scope = Scope.for_user(user)
    return user.is_superuser or Role.ORG_ADMIN in scope.roles


REFRESHED = "_chibo_refreshed"  # session key: when the session's expiry was last moved (epoch s)


class SessionRefreshMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of inactivity, with one write a minute at most.

    Django's SESSION_SAVE_EVERY_REQUEST moves the expiry by writing the session row on every
    request: on SQLite every page view a write in its own transaction, queued behind the real
    writes of meeting day. Here the session is saved when it changed anyway, or when its expiry
    was last moved SESSION_REFRESH_SECONDS ago or more: a session ends between
    SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after its last request.
    Must come after SessionMiddleware, which saves what this marks on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A request that never read its session (static files, /healthz) leaves it alone.
        if session is not None and session.accessed and session.session_key:
            now = int(time.time())
            last = session.get(REFRESHED, 0)
            if session.modified or now - last >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED] = now
        return response


def mark_refreshed(sender, request, user, **kwargs):
    """At sign-in (user_logged_in) the session is saved anyway: its expiry starts there."""
    if getattr(request, "session", None) is not None:
        request.session[REFRESHED] = int(time.time())
