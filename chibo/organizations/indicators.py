"""Indicators of the organization tree, on the structure of the date asked for."""

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register, register_preload

from .models import Organization
from .selectors import preload_structure, structure_counts

# First of the preloads (this app's indicators register first): the others read its periods.
register_preload(preload_structure)


@register("grassroots_orgs", _("Tổ chức cơ sở đảng"))
def grassroots_orgs(org: Organization, as_of) -> Value:
    """Grassroots organizations under `org` (itself included) on `as_of`, grassroots cells
    (cells whose parent was then an upper committee) included. Two queries (the path, the
    structure's counts), shared with village_cells."""
    return Value(structure_counts(org, as_of)["grassroots"])


@register("village_cells", _("Chi bộ thôn, bản, tiểu khu"))
def village_cells(org: Organization, as_of) -> Value:
    """Residential cells under `org` on `as_of`. Two queries, shared with grassroots_orgs."""
    return Value(structure_counts(org, as_of)["village_cells"])
