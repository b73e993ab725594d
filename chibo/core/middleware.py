from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation

from chibo.core.indicators import tree_reads_kept


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


# What is worth compressing: text. Spreadsheets, documents, PDFs and images are compressed already.
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/javascript",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
)


class CompressionMiddleware(GZipMiddleware):
    """Pages and, when no compressed copy is on disk, static files compressed by chibo itself
    (gzip), for a phone on a slow line, whatever server stands in front.

    BREACH (guessing a secret in a page from the compressed length while reflecting chosen text
    into it) is met three ways: Django's GZipMiddleware pads each gzip header with random bytes
    ("Heal the BREACH"), Django masks the CSRF token afresh in every response, and the pages that
    show a secret once (a new API token, a calendar feed's address, a TOTP key) are served
    uncompressed (core.web.no_compression). Static files compressed at collectstatic by
    WhiteNoise (Content-Encoding set) pass through untouched."""

    def process_response(self, request, response):
        if getattr(response, "no_compression", False):
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class TreeReadsMiddleware:
    """A GET or HEAD request changes no organization: the reads of the tree that several parts
    of its page share (an organization's path on a date) are made once
    (chibo.core.indicators.once_per_tree_read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with tree_reads_kept():
            return self.get_response(request)
