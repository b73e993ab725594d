"""Django's start-up for a command-line process (manage.py, the `chibo` command).

Loading Django, chibo's 22 apps and their models creates ~66.000 objects that live until the
process ends; the garbage collector's passes over them while they are being created cost ~90
ms of a command's ~0,9 s start-up on a small server (156 collections for `chibo indicators`).
Start-up runs without it; what it loaded is then set aside (gc.freeze()) and the collector
is back on for the command itself.
"""

import gc
import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    gc.disable()
    try:
        django.setup()
    finally:
        gc.freeze()
        gc.enable()
