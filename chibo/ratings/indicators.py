"""The rating indicator: the cells decided at the top level among those decided, for the year
rated last before the date asked for."""

import datetime

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, once_per_batch, register, register_preload
from chibo.organizations.models import Organization
from chibo.organizations.selectors import preload_per_org, preload_structure, preloaded_under

from .models import CellRating, year_end
from .selectors import excellent_share


@register("cells_rated_excellent", _("Chi bộ xếp loại hoàn thành xuất sắc nhiệm vụ (năm trước)"))
def cells_rated_excellent(org: Organization, as_of: datetime.date) -> Value:
    """Cells under `org` the upper level rated at the top level for the year before `as_of`'s,
    of the cells it rated (structure of that year's 31 December). Two queries."""
    year = as_of.year - 1
    top, decided = once_per_batch(
        ("ratings.excellent", org.pk, year_end(year)), lambda: excellent_share(org, year)
    )
    return Value(top, decided)


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """cells_rated_excellent's figures of every organization of a compute_many: the structure
    of the year's end under them (preload_structure, two queries) and the cells' decided
    ratings of the year (one), each organization's those of the cells under it then."""
    year = as_of.year - 1
    day = year_end(year)
    preload_structure(orgs, day)
    under = preloaded_under(day)
    if under is None:
        return
    ranks: dict[int, list[int]] = {}  # cell id -> the ranks decided (one rating a cell)
    for cell_id, rank in CellRating.objects.filter(
        year=year, decided_level__isnull=False, cell_id__in=under
    ).values_list("cell_id", "decided_level__rank"):
        ranks.setdefault(cell_id, []).append(rank)

    def figures(ids):
        found = [rank for i in ids & ranks.keys() for rank in ranks[i]]
        return sum(1 for rank in found if rank == 1), len(found)

    preload_per_org(orgs, day, "all", "ratings.excellent", figures)
