"""A form renderer that writes Django's own widget, label and error templates in Python.

The meeting record page draws a hundred and more widgets (a radio group and a reason per
member, a select of every member per speech and task row, the score sheet), and rendering each
through the template engine (`input.html` including `attrs.html`, `select_option.html` per
option, …) was most of the page's time on meeting day; the member list's five filter selects
took 5 ms of each search. These functions give the same markup as the templates
of `django/forms/templates/django/forms/` (escaped the same way, with the line ends of the
template files, which show where one template includes another); a template not listed here
still goes through the engine.
"""

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize


def _escape(value) -> str:
    """conditional_escape without its lazy-string wrapper (the same escaping)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(value if isinstance(value, str) else str(value))


def _text(value) -> str:
    """What {{ value }} prints: localized, then escaped unless already safe."""
    return _escape(value if isinstance(value, str) else localize(value))


def _s(value) -> str:
    """What {{ value|stringformat:'s' }} prints."""
    return _escape(value if isinstance(value, str) else f"{value}")


def _attrs(attrs) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_s(value)}"')
    return "".join(out)


def _input(w) -> str:
    value = "" if w["value"] is None else f' value="{_s(w["value"])}"'
    return (
        f'<input type="{_text(w["type"])}" name="{_text(w["name"])}"{value}{_attrs(w["attrs"])}>\n'
    )


def _input_option(w) -> str:
    if not w.get("wrap_label"):
        return _input(w) + "\n"
    id_ = w["attrs"].get("id")
    label_for = f' for="{_text(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(w)} {_text(w['label'])}</label>\n"


def _option(w) -> str:
    return f'<option value="{_s(w["value"])}"{_attrs(w["attrs"])}>{_text(w["label"])}</option>\n'


def _select(w) -> str:
    out = [f'<select name="{_text(w["name"])}"{_attrs(w["attrs"])}>']
    for group, options, _index in w["optgroups"]:
        if group:
            out.append(f'\n  <optgroup label="{_text(group)}">')
        out.extend(f"\n  {_include(o)}" for o in options)
        if group:
            out.append("\n  </optgroup>")
    out.append("\n</select>\n")
    return "".join(out)


def _multiple_input(w) -> str:
    id_, css = w["attrs"].get("id"), w["attrs"].get("class")
    out = [
        "<div",
        f' id="{_text(id_)}"' if id_ else "",
        f' class="{_text(css)}"' if css else "",
        ">",
    ]
    for group, options, _index in w["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_text(group)}</label>")
        out.extend(f"<div>\n    {_include(o)}</div>" for o in options)
        if group:
            out.append("\n  </div>")
    out.append("\n</div>\n")
    return "".join(out)


def _textarea(w) -> str:
    value = _text(w["value"]) if w["value"] else ""
    return f'<textarea name="{_text(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>\n'


def _label(c) -> str:
    if not c["use_tag"]:
        return _text(c["label"]) + "\n"
    tag = _text(c["tag"])
    return f"<{tag}{_attrs(c['attrs'] or {})}>{_text(c['label'])}</{tag}>\n"


def _errors(c) -> str:
    errors = c["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_ = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(e)}</li>" for e in errors)
    return f'<ul class="{_text(c["error_class"])}"{id_}>{items}</ul>'


def _include(option) -> str:
    """{% include option.template_name with widget=option %}"""
    return PYTHON[option["template_name"]]({"widget": option})


WIDGETS = "django/forms/widgets/"
PYTHON = {
    **{
        WIDGETS + name: lambda c: _input(c["widget"])
        for name in (
            "input.html",
            "text.html",
            "hidden.html",
            "number.html",
            "date.html",
            "time.html",
            "checkbox.html",
        )
    },
    WIDGETS + "input_option.html": lambda c: _input_option(c["widget"]),
    # radio_option.html and checkbox_option.html include input_option.html, a line end more.
    WIDGETS + "radio_option.html": lambda c: _input_option(c["widget"]) + "\n",
    WIDGETS + "checkbox_option.html": lambda c: _input_option(c["widget"]) + "\n",
    WIDGETS + "select.html": lambda c: _select(c["widget"]),
    WIDGETS + "select_option.html": lambda c: _option(c["widget"]),
    WIDGETS + "radio.html": lambda c: _multiple_input(c["widget"]),
    WIDGETS + "multiple_input.html": lambda c: _multiple_input(c["widget"]),
    WIDGETS + "textarea.html": lambda c: _textarea(c["widget"]),
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class PythonWidgets(DjangoTemplates):
    """DjangoTemplates, with the templates of PYTHON written in Python."""

    def render(self, template_name, context, request=None):
        write = PYTHON.get(template_name)
        if write is None:
            return super().render(template_name, context, request)
        return write(context).strip()  # like BaseRenderer.render: callers mark it safe


RENDERER = PythonWidgets()
