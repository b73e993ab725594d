"""HTML written in Python where a template loop over hundreds of items costs too much."""

from html import escape  # Django's escape() is this one behind a lazy-string check per call

from django.utils.safestring import SafeString, mark_safe


def options(choices, selected=()) -> SafeString:
    """<option>s for (value, label) pairs, `selected` holding the chosen values as strings.

    A template renders each option through a node (or a widget template) of its own: for the
    ~500 organizations or members of a select that was most of a page's time.
    """
    chosen = set(selected)
    return mark_safe(  # noqa: S308 (every value and label is escaped)
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )
