"""The rows of an exports.Table on a page (committees/_table.html)."""

import datetime

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join

register = template.Library()


def _text(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return "—"
    return localize(value)


@register.filter
def table_cells(row, link=""):
    """A row's <td>s: the first one a link when the row has one, dates as dd/mm/yyyy, None as a
    dash, the rest as `{{ value }}` shows it. One call a row: a template loop over every cell
    of a 200-row page, testing each value for a date, cost more than the rest of the page."""
    cells = [_text(v) for v in row]
    if cells and link:
        cells[0] = format_html('<a href="{}">{}</a>', link, localize(row[0]))
    return format_html_join("", "<td>{}</td>", ((c,) for c in cells))
