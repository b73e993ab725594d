"""The congress indicator, counted on the plans and held dates of the date asked for."""

import datetime

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register
from chibo.organizations.models import Organization

from .selectors import progress


@register("congress_days_ahead", _("Đại hội chi bộ hoàn thành trước hạn kế hoạch (ngày)"))
def congress_days_ahead(org: Organization, as_of: datetime.date) -> Value:
    """Days between the plan's deadline and the day the last cell under `org` held its congress,
    for the term in force on `as_of`, once every cell has held it (negative: late). Until then
    the congresses held so far of those planned (held/planned); no plan: '—'. One query."""
    p = progress(org, as_of)
    if p.done:
        return Value(p.days_ahead)
    return Value(p.held, p.total)
