"""Read answers as of a date: the dated rows (memberships, organization periods) of that day.

Each function reads the page's rows in one query and sets, on the instances about to be
written out, what they were on `as_of`; nothing is saved. An organization or a member with
no row open that day keeps today's values (its `valid_from`/`valid_to`, its status say why).
"""

import datetime

from django.db.models import Q

from chibo.members.indicators import memberships_open_on
from chibo.organizations.models import OrganizationPeriod


def periods_open_on(as_of: datetime.date):
    return OrganizationPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
    )


def set_cells(members, as_of: datetime.date) -> None:
    """Each member's `cell` becomes the cell of their membership open on `as_of`."""
    by_id = {m.pk: m for m in members}
    if not by_id:
        return
    ships = memberships_open_on(as_of).filter(member_id__in=by_id).select_related("cell")
    for ship in ships:
        by_id[ship.member_id].cell = ship.cell


def set_names_and_parents(orgs, as_of: datetime.date) -> None:
    """Each organization's `name` and `parent_id` become those of its period open on `as_of`."""
    by_id = {o.pk: o for o in orgs}
    if not by_id:
        return
    rows = periods_open_on(as_of).filter(organization_id__in=by_id)
    for organization_id, name, parent_id in rows.values_list(
        "organization_id", "name", "parent_id"
    ):
        org = by_id[organization_id]
        org.name, org.parent_id = name, parent_id
