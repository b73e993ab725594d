"""The congress indicator, counted on the plans and held dates of the date asked for."""

import datetime

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, once_per_batch, register, register_preload
from chibo.organizations.models import Organization
from chibo.organizations.selectors import preload_per_org, preloaded_under

from .models import CellCongress
from .selectors import Progress, plans_in_force, progress


@register("congress_days_ahead", _("Đại hội chi bộ hoàn thành trước hạn kế hoạch (ngày)"))
def congress_days_ahead(org: Organization, as_of: datetime.date) -> Value:
    """Days between the plan's deadline and the day the last cell under `org` held its congress,
    for the term in force on `as_of`, once every cell has held it (negative: late). Until then
    the congresses held so far of those planned (held/planned); no plan: '—'. One query."""
    p = once_per_batch(("congresses.progress", org.pk, as_of), lambda: progress(org, as_of))
    if p.done:
        return Value(p.days_ahead)
    return Value(p.held, p.total)


@register_preload
def preload(orgs, as_of: datetime.date) -> None:
    """progress of every organization of a compute_many: the congresses of the plans in force
    in the cells under them read once (one query), each organization's those of its cells."""
    cells = preloaded_under(as_of, "cells")
    if cells is None:
        return
    by_cell: dict[int, list] = {}  # cell id -> (held on, the plan's deadline) of its congresses
    for cell_id, held_on, deadline in CellCongress.objects.filter(
        plan__in=plans_in_force(as_of), cell_id__in=cells
    ).values_list("cell_id", "held_on", "plan__deadline"):
        by_cell.setdefault(cell_id, []).append((held_on, deadline))

    def figures(ids) -> Progress:
        rows = [row for i in ids & by_cell.keys() for row in by_cell[i]]
        held = [h for h, _d in rows if h is not None and h <= as_of]
        return Progress(
            total=len(rows),
            held=len(held),
            deadline=max((d for _h, d in rows if d is not None), default=None),
            last_held=max(held, default=None),
        )

    preload_per_org(orgs, as_of, "cells", "congresses.progress", figures)
