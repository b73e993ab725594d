from django import forms
from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

from .text import validate_printable

# Every text field of every form (the API's bodies go through the pages' forms) refuses
# invisible, bidirectional and control characters: one rule, set once, as Django itself refuses
# NUL in every CharField (chibo.core.text). Set when the app registry imports this module, before
# any models, admin or forms module defines a field.
if validate_printable not in forms.CharField.default_validators:
    forms.CharField.default_validators = [*forms.CharField.default_validators, validate_printable]


class CoreConfig(AppConfig):
    name = "chibo.core"
    label = "core"
    verbose_name = "chibo core"

    def ready(self):
        # Each app declares its indicators in <app>/indicators.py, the lists behind them in
        # <app>/lists.py.
        autodiscover_modules("indicators")
        autodiscover_modules("lists")
