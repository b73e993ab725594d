"""The rows of an exports.Table on a page (committees/_table.html)."""

import datetime
import html

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe

from chibo.core.vn import day_text

register = template.Library()


def _text(value) -> str:
    """What `{{ value }}` shows, escaped; a date as dd/mm/yyyy, None as a dash."""
    if isinstance(value, datetime.date):
        return day_text(value)
    if value is None:
        return "—"
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize() gives for an int without grouping, 10x faster
    value = localize(value)
    return value if isinstance(value, SafeData) else html.escape(str(value))


@register.filter
def table_cells(row, link=""):
    """A row's <td>s: the first one a link when the row has one, dates as dd/mm/yyyy, None as a
    dash, the rest as `{{ value }}` shows it. One call a row: a template loop over every cell
    of a 200-row page, testing each value for a date, cost more than the rest of the page."""
    cells = [_text(v) for v in row]
    if cells and link:
        cells[0] = format_html('<a href="{}">{}</a>', link, localize(row[0]))
    return mark_safe("".join(f"<td>{c}</td>" for c in cells))  # noqa: S308 (escaped in _text)
