"""The renderer of the record form and the member filters (Django's Jinja2) gives the markup of
Django's default form templates, whitespace between tags aside (ADR 0011)."""

import datetime
import re

from django import forms
from django.forms.renderers import DjangoTemplates

from chibo.core.renderers import RENDERER

TRICKY = "A & B <\"C\"> 'd'"


class Sample(forms.Form):
    name = forms.CharField(
        label=TRICKY,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": TRICKY, "autofocus": True, "x": False}),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    empty_note = forms.CharField(required=False, widget=forms.Textarea)
    pick = forms.TypedChoiceField(
        choices=[("", "—"), (1, TRICKY), ("Nhóm", [(2, "Hai"), (3, "Ba")])], coerce=int
    )
    presence = forms.ChoiceField(
        choices=[("present", "Có mặt"), ("absent", TRICKY)], widget=forms.RadioSelect
    )
    grouped = forms.ChoiceField(
        choices=[("Nhóm", [("a", "A"), ("b", "B")])],
        widget=forms.RadioSelect(attrs={"class": "seg"}),
    )
    came = forms.BooleanField(required=False)
    points = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "max": 10}))
    version = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}))


def _tidy(html) -> str:
    """Whitespace between tags and runs of it elsewhere, and the spelling of two entities: where
    the two template sets differ (MarkupSafe writes &#34; and &#39; where Django writes &quot;
    and &#x27;: the same characters, escaped alike)."""
    text = str(html).replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", text))).strip()


def markup(form):
    out = []
    for bf in form:
        out += [str(bf), bf.label_tag(), bf.label_tag(tag="legend"), str(bf.errors)]
        out += [(w.tag(), w.tag(wrap_label=True), w.data.get("label")) for w in bf.subwidgets]
    out.append(str(form.non_field_errors()))
    return [_tidy(x) if not isinstance(x, tuple) else tuple(map(_tidy, x)) for x in out]


def test_same_markup_as_the_templates():
    initial = {
        "name": TRICKY,
        "note": "dòng 1\n<b>dòng 2</b>",
        "pick": 2,
        "presence": "absent",
        "came": True,
        "points": 7,
        "version": 3,
        "day": datetime.date(2023, 3, 24),
        "start": datetime.time(7, 30),
    }
    bad = {"name": "x" * 30, "pick": "9", "presence": "nope", "points": "-", "day": "hôm qua"}
    for kwargs in ({"initial": initial}, {"data": bad}, {"initial": initial, "auto_id": False}):
        chosen = Sample(renderer=RENDERER, **kwargs)
        templates = Sample(renderer=DjangoTemplates(), **kwargs)
        if "data" in kwargs:
            chosen.add_error(None, TRICKY)
            templates.add_error(None, TRICKY)
        assert markup(chosen) == markup(templates)
