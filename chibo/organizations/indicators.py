"""Indicators of the organization tree, on the structure of the date asked for."""

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register

from .models import Organization, grassroots_level_q
from .selectors import periods_under, village_cell_count


@register("grassroots_orgs", _("Tổ chức cơ sở đảng"))
def grassroots_orgs(org: Organization, as_of) -> Value:
    """Grassroots organizations under `org` (itself included) on `as_of`, grassroots cells
    (cells whose parent was then an upper committee) included. Two queries."""
    periods = periods_under(org, as_of).filter(grassroots_level_q("organization__"))
    return Value(periods.count())


@register("village_cells", _("Chi bộ thôn, bản, tiểu khu"))
def village_cells(org: Organization, as_of) -> Value:
    """Residential cells under `org` on `as_of`. Two queries."""
    periods = periods_under(org, as_of).filter(
        organization__kind=Organization.Kind.CELL,
        organization__cell_type=Organization.CellType.RESIDENTIAL,
    )
    return Value(village_cell_count(org, as_of, periods))
