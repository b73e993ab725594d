"""The indicators of the village plans, counted on the roll-up of the date asked for (rollup.py:
the villages served by the organization's cells that day, the year of the last month the date
completes). Each figure's list is registered in lists.py."""

import datetime

from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import Value, register, register_preload
from chibo.organizations.models import Organization

from .rollup import Rollup, preload, rollup

register_preload(preload)


def plans_approved(r: Rollup) -> Value:
    return Value(sum(v.approved for v in r.villages), len(r.villages))


def targets_on_track(r: Rollup) -> Value:
    return Value(sum(v.on_track for v in r.villages), sum(len(v.targets) for v in r.villages))


def ntm_met(r: Rollup) -> Value:
    return Value(sum(v.ntm for v in r.villages), len(r.villages))


@register("village_plans_approved", _("Thôn, bản có kế hoạch năm được Đảng ủy xã phê duyệt"))
def village_plans_approved(org: Organization, as_of: datetime.date) -> Value:
    """Villages under `org` whose plan of the year the commune approved by `as_of`, of the
    villages its cells serve that day."""
    return plans_approved(rollup(org, as_of))


@register("plan_targets_on_track", _("Chỉ tiêu năm giao thôn, bản đạt tiến độ"))
def plan_targets_on_track(org: Organization, as_of: datetime.date) -> Value:
    """The approved plans' targets whose year so far reaches the share of the months completed,
    of those targets."""
    return targets_on_track(rollup(org, as_of))


@register("villages_ntm_met", _("Thôn, bản đạt đủ tiêu chí bản nông thôn mới (năm trước)"))
def villages_ntm_met(org: Organization, as_of: datetime.date) -> Value:
    """Villages under `org` that met every item of the village new-rural set the year before,
    of the villages its cells serve on `as_of`."""
    return ntm_met(rollup(org, as_of))
