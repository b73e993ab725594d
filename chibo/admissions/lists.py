"""The list behind the admissions indicator, registered with the indicator registry and shown by
admissions:admitted (/admissions/org/<id>/admitted/?as_of=dd/mm/yyyy)."""

from chibo.core.indicators import register_list

from .selectors import admitted_members

VIEW = "admissions:admitted"


def _admissions_year(org, as_of):
    return admitted_members(org, as_of), {}


register_list("admissions_year", view=VIEW, rows=_admissions_year)
