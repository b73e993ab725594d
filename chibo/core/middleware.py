from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Vietnamese unless the user chose another language with the switch (a cookie).

    Unlike LocaleMiddleware, the browser's Accept-Language is ignored: a commune office PC
    set up in English must still show chibo in Vietnamese by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in self.codes:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response


class PermissionsPolicyMiddleware:
    """Adds settings.PERMISSIONS_POLICY: the browser features chibo never uses are off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
