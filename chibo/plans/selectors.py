"""Reads of the village plans: the targets followed at a cell's meetings."""

from django.db.models import Q

from chibo.targets.models import Target

from .models import VillagePlan


def followed_targets(cell, year: int):
    """The cell's targets of `year` that the monthly meetings follow: a target assigned in a
    village plan counts once the plan is approved; a target the cell set itself (no plan) as
    before."""
    return Target.objects.filter(cell=cell, year=year, withdrawn_at__isnull=True).filter(
        Q(plan_link__isnull=True) | Q(plan_link__plan__status=VillagePlan.Status.APPROVED)
    )
