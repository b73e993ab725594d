"""Web helpers shared by every app's views."""

from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponseBadRequest
from django.utils.html import escape
from django.utils.translation import gettext as _


def bad_query(form) -> HttpResponseBadRequest:
    """400 for a query string (or a small POST) whose form does not validate, each problem after
    its field's label; a field without a label is named by its parameter, never "None". Choice
    errors quote the value: escaped."""
    problems = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        if name == NON_FIELD_ERRORS:
            problems.append(text)
            continue
        field = form.fields.get(name)
        label = (field.label if field is not None else None) or name
        problems.append(f"{label}: {text}")
    return HttpResponseBadRequest(
        escape(_("Tham số không hợp lệ: %(p)s") % {"p": "; ".join(problems)})
    )
