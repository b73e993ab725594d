"""The list behind congress_days_ahead, registered with the indicator registry and shown by
congresses:plans (/congresses/org/<id>/?as_of=dd/mm/yyyy): the congresses of the term in force
under the organization (a line per commune under a district, else the cells)."""

from chibo.core.indicators import register_list

from .selectors import congresses_under

VIEW = "congresses:plans"


def _congress_days_ahead(org, as_of):
    return congresses_under(org, as_of).select_related("cell", "plan"), {}


register_list("congress_days_ahead", view=VIEW, rows=_congress_days_ahead)
