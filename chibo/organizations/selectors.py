"""Reads of the organization tree, current or as of a date."""

import datetime

from django.db.models import Q

from .models import Organization, OrganizationPeriod, subtree_q


def path_as_of(org: Organization, as_of: datetime.date) -> str | None:
    period = (
        OrganizationPeriod.objects.filter(organization=org, valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .values_list("path", flat=True)
        .first()
    )
    return period


def periods_under(org: Organization, as_of: datetime.date):
    """The periods of the organizations under `org` (itself included) on `as_of`."""
    path = path_as_of(org, as_of)
    if path is None:
        return OrganizationPeriod.objects.none()
    return OrganizationPeriod.objects.filter(
        subtree_q(path), Q(valid_to__isnull=True) | Q(valid_to__gt=as_of), valid_from__lte=as_of
    )


def org_ids_under(org: Organization, as_of: datetime.date | None = None):
    """A subquery of organization ids under `org`, now (indexed path range) or as of a date."""
    if as_of is None:
        return Organization.objects.filter(subtree_q(org.path), valid_to__isnull=True).values("pk")
    return periods_under(org, as_of).values("organization_id")
