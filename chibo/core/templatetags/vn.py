"""Template filters for Vietnamese formatting; a builtin, no {% load %} needed."""

from django import template

from chibo.core import vn

register = template.Library()


@register.filter
def vnint(value):
    """9300 -> 9.300"""
    try:
        return vn.format_int(value)
    except (TypeError, ValueError):
        return value


@register.filter
def vndate(value):
    """A date as dd/mm/yyyy."""
    return vn.day_text(value, "")


@register.filter
def vndatetime(value):
    """An instant as dd/mm/yyyy hh:mm, local time."""
    return vn.moment_text(value)


@register.filter
def vnpercent(pair, places=1):
    """(n, d) -> '95,9%'"""
    try:
        n, d = pair
    except (TypeError, ValueError):
        return ""
    return vn.format_percent(n, d, int(places))


@register.filter
def with_unit(amount, unit):
    """{{ value|floatformat:"-2g"|with_unit:target.unit }}: '100%', '12 hộ' (vn.with_unit)."""
    return vn.with_unit(str(amount), unit)


@register.filter
def vnratio(pair, places=1):
    """(n, d) -> '281/293 (95,9%)'; '—' when d is 0 (see vn.format_ratio)."""
    try:
        n, d = pair
    except (TypeError, ValueError):
        return "—"
    return vn.format_ratio(n, d, int(places))


@register.simple_tag
def change_log(events):
    """The audit events as readable rows (chibo.core.changelog.entries): labels, names, dates."""
    from chibo.core.changelog import entries

    return entries(events)
