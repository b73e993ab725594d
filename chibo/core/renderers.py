"""The form renderer of the forms that repeat widgets most: the meeting record (a radio group
and a reason per member, the guests, speeches, tasks and score sheet) and the member list's
filters. Django's own Jinja2 renderer: it renders Django's widget templates (django/forms/jinja2)
at 60% of the CPU of the default DjangoTemplates renderer, which misses the record page's goal
(ADR 0011, bench/form_renderer.py); jinja2 comes with docxtpl. Every other form uses the default.
"""

from django.forms.renderers import Jinja2

RENDERER = Jinja2()
