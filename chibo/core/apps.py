from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "chibo.core"
    label = "core"
    verbose_name = "chibo core"

    def ready(self):
        # Each app declares its indicators in <app>/indicators.py.
        autodiscover_modules("indicators")
