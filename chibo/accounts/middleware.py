from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import Role

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/healthz")


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


def needs_otp(user) -> bool:
    from chibo.accounts.scope import Scope

    scope = Scope.for_user(user)
    return user.is_superuser or Role.ORG_ADMIN in scope.roles
