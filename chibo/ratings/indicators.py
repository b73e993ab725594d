"""The rating indicator: the cells decided at the top level among those decided, for the year
rated last before the date asked for."""

import datetime

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register
from chibo.organizations.models import Organization

from .selectors import excellent_share


@register("cells_rated_excellent", _("Chi bộ xếp loại hoàn thành xuất sắc nhiệm vụ (năm trước)"))
def cells_rated_excellent(org: Organization, as_of: datetime.date) -> Value:
    """Cells under `org` the upper level rated at the top level for the year before `as_of`'s,
    of the cells it rated (structure of that year's 31 December). Two queries."""
    top, decided = excellent_share(org, as_of.year - 1)
    return Value(top, decided)
