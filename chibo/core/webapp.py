"""The installable web app: its manifest, its service worker (served from the site root so its
scope is the whole site) and the page shown for a page kept nowhere when there is no signal.

The service worker's code is the hand-written static/js/sw.js; this view serves it at /sw.js with
a first line naming the addresses it needs (the offline page, the static prefix), so the file
itself holds no URL. See docs/decisions/0008-offline-first-phone.md.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SW_FILE = "js/sw.js"


def _sw_source() -> bytes:
    path = finders.find(SW_FILE)
    if path:
        with open(path, "rb") as f:
            return f.read()
    with staticfiles_storage.open(SW_FILE) as f:  # collected (no finders in production)
        return f.read()


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    """static/js/sw.js at the site root, with its settings on the first line. Never cached by
    the browser's HTTP cache, so a new version is picked up on the next visit."""
    source = _sw_source()  # a few kilobytes, read on each (rare) check of the browser
    config = {
        "offline": reverse("offline"),
        # The list of pages to keep, with a fresh CSRF token: the records' Background Sync.
        "pages": reverse("meetings:offline_pages"),
        "static": settings.STATIC_URL
        if settings.STATIC_URL.startswith("/")
        else "/" + settings.STATIC_URL,
        # A new sw.js (a deploy) empties the static files' cache: they may have changed too.
        "version": hashlib.sha256(source).hexdigest()[:12],
    }
    body = b"self.CHIBO = " + json.dumps(config).encode() + b";\n" + source
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    """The web app manifest: installable, opens on the home page, full screen on a phone."""
    data = {
        "name": _("chibo — Sinh hoạt chi bộ"),
        "short_name": "chibo",
        "description": _("Ghi biên bản sinh hoạt chi bộ, cả khi không có sóng."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_GET
def offline(request):
    """Shown, from the phone's cache, for a page that needs a connection when there is none;
    it lists the pages the phone keeps (static/js/app.js fills the list)."""
    return render(request, "core/offline.html")
