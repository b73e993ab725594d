"""Indicators of admissions, counted on the dated memberships and targets of the date asked for."""

import datetime

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register, register_preload
from chibo.organizations.models import Organization

from .selectors import admissions_in_year, preload_in_year

register_preload(preload_in_year)


@register("admissions_year", _("Kết nạp đảng viên trong năm / chỉ tiêu năm"))
def admissions_year(org: Organization, as_of: datetime.date) -> Value:
    """Members admitted from 1 January of `as_of`'s year to `as_of` in the cells under `org`, of
    that year's target for `org` and everything under it (the targets decided by `as_of`). The
    article prints the percentage cut to a whole number (227/200 -> 113%). Three queries."""
    admitted, target = admissions_in_year(org, as_of)
    return Value(admitted, target, places=0)
