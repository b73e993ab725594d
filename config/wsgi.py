import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _freeze_startup_objects():
    """Load every URL pattern (and so every view module) now, then set what is loaded aside from
    the garbage collector: a worker holds ~140.000 long-lived objects (Django, chibo and their
    modules) that each full collection walked again, 60-100 ms of a request every few requests."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
    gc.freeze()


_freeze_startup_objects()
