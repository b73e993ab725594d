"""The list behind cells_rated_excellent, registered with the indicator registry and shown by
ratings:org (/ratings/org/<id>/?as_of=dd/mm/yyyy): the cells under the organization with their
rating for the year before the date, and the share of each level."""

from chibo.core.indicators import register_list

from .selectors import cell_rows

VIEW = "ratings:org"


def _cells_rated_excellent(org, as_of):
    return cell_rows(org, as_of.year - 1), {}


register_list("cells_rated_excellent", view=VIEW, rows=_cells_rated_excellent)
