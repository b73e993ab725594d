"""The lists behind the plans' indicators, registered with the indicator registry and shown by
plans:indicator (/plans/org/<id>/indicators/<code>/?as_of=dd/mm/yyyy): under a district or a
province a line per commune (each linking to the commune's list), under a commune or a cell a
line per village, or per target for the targets on track."""

from chibo.core.indicators import register_list
from chibo.organizations.models import Organization

from .indicators import ntm_met, plans_approved, targets_on_track
from .rollup import rollup

VIEW = "plans:indicator"
ABOVE_COMMUNES = (Organization.Kind.DISTRICT_COMMITTEE, Organization.Kind.PROVINCE_COMMITTEE)


def _lines(value, per_village):
    def rows(org, as_of):
        r = rollup(org, as_of)
        extra = {"rollup": r, "value": value(r), "per_commune": org.kind in ABOVE_COMMUNES}
        return (r.communes() if extra["per_commune"] else per_village(r)), extra

    return rows


def _villages(r):
    return r.villages


def _targets(r):
    return r.targets


register_list("village_plans_approved", view=VIEW, rows=_lines(plans_approved, _villages))
register_list("plan_targets_on_track", view=VIEW, rows=_lines(targets_on_track, _targets))
register_list("villages_ntm_met", view=VIEW, rows=_lines(ntm_met, _villages))
