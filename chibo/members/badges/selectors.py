"""Who is due a party-age badge at each of the year's award dates."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from chibo.organizations.models import Organization
from chibo.organizations.selectors import org_ids_under

from ..models import BadgeAward, BadgeRule, Member, Membership, PartyInterruption
from .ages import add_years, party_age, reaches


def reminder_key(member_id: int, years: int) -> str:
    """The key of the reminder that `member_id` is due the badge of `years` (sent by
    chibo.admissions.reminders, settled when the badge is awarded)."""
    return f"remind:badge:{member_id}:{years}"


def rule_on(day: datetime.date) -> BadgeRule | None:
    """The badge rule in force on `day`: the latest that took effect on or before it."""
    return BadgeRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def award_dates(year: int) -> list[tuple[datetime.date, BadgeRule]]:
    """The year's award dates, each with the rule in force that day. One query."""
    rules = list(BadgeRule.objects.filter(effective_from__lte=datetime.date(year, 12, 31)))
    out = []
    for month in range(1, 13):
        rule = max(
            (r for r in rules if r.effective_from <= datetime.date(year, month, 28)),
            key=lambda r: r.effective_from,
            default=None,
        )
        if rule is None:
            continue
        for m, d in rule.award_days:
            if m == month:
                out.append((datetime.date(year, m, d), rule))
    return sorted(out, key=lambda x: x[0])


@dataclass
class Due:
    member: Member
    years: int
    reached: datetime.date
    party_age: int
    late: bool  # reached before the previous award date and still not awarded


def due_at(
    org: Organization, day: datetime.date, previous: datetime.date | None, rule
) -> list[Due]:
    """Members in a cell under `org` on `day` whose highest badge reached by `day` is not yet
    awarded (nor a higher one). Five queries: the organization's path, the candidates'
    interruptions, their awards, their admission dates, the records of those due."""
    years = sorted(rule.years)
    if not years:
        return []
    # Without interruptions, nobody admitted after this day has the smallest badge yet.
    latest_admission = add_years(day, -years[0])
    member_ids = (
        Membership.objects.filter(cell_id__in=org_ids_under(org, day), start__lte=day)
        .in_force(day)
        .values("member_id")
    )
    in_scope = Member.objects.filter(pk__in=member_ids, admission_date__lte=latest_admission)
    ids = in_scope.values("pk")
    gaps = defaultdict(list)
    for mid, s, e in PartyInterruption.objects.filter(member_id__in=ids).values_list(
        "member_id", "start", "end"
    ):
        gaps[mid].append((s, e))
    awarded = defaultdict(int)
    for mid, y in BadgeAward.objects.filter(member_id__in=ids).values_list("member_id", "years"):
        awarded[mid] = max(awarded[mid], y)
    found = {}
    for mid, admission in in_scope.order_by().values_list("pk", "admission_date"):
        best = None
        for y in years:
            if y <= awarded[mid]:
                continue
            reached = reaches(admission, y, gaps[mid])
            if reached > day:
                break
            best = (y, reached)
        if best is not None:
            found[mid] = best
    # The records of the members due only: a district has thousands of candidates.
    members = (
        Member.objects.filter(pk__in=list(found))
        .select_related("cell")
        .only("full_name", "birth_date", "admission_date", "cell__name", "sort_key")
        .order_by("sort_key", "id")
    )
    out = []
    for m in members:
        y, reached = found[m.pk]
        out.append(
            Due(
                member=m,
                years=y,
                reached=reached,
                party_age=party_age(m.admission_date, day, gaps[m.pk]),
                late=previous is not None and reached <= previous,
            )
        )
    return out


def awards_under(org: Organization, year: int):
    """Badges awarded in `year` to members now under `org`."""
    return (
        BadgeAward.objects.filter(awarded_on__year=year, member__cell__in=org_ids_under(org))
        .select_related("member", "member__cell")
        .order_by("awarded_on", "member__sort_key")
    )
