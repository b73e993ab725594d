"""The committees the cells' 2025–2030 congresses elected (issue 13, part 3): what
`congresses.services.congress_hold` records for a congress (the seats still held end on the
congress day, the elected committee takes its seats in the new term), written in bulk for the
demo's cells, with what follows it: the village posts the outgoing secretary and deputy held
pass to the new ones at the village meeting after the congress, and the new committee's
succession plan for the term is approved a few weeks later.

Who is elected, plausibly: most secretaries are re-elected (the demo secretary always); a new
one is, where the 2023–2025 succession plan had one, its planned successor, else the outgoing
deputy, else a member of the cell drawn like the 2023 renewal (working age, with basic theory
or more). Seats go to official members of the cell on the congress day who are still in it
(the seat is held to this day), with the cell committee's theory standard where the cell has
enough of them; a committee of three or more where the cell has the rule's number of official
members, a secretary and perhaps a deputy elsewhere. The decision approving the result is the
upper committee's of 01/07/2025 (a new commune committee, the province for the agencies'
organizations that passed to it), numbered per issuer from 201 in the order of the congresses.

It reads the written demo (members, seats, village posts, succession plans) in a few queries
and draws from a generator of its own, so nothing drawn before it moves.
"""

import datetime
from collections import defaultdict
from random import Random

from django.db.models import F

from chibo.committees.models import (
    CommitteeRule,
    CommuneLeader,
    ConcurrentRole,
    Position,
    SuccessionPlan,
    Term,
)
from chibo.members.models import Member, Membership, Status
from chibo.organizations.models import Organization
from chibo.training.selectors import levels_below, theory_level_on

from . import data as d
from .reorganization import NEW_COMMUNES
from .rows import insert
from .specs import weighted_sample

SECRETARY, DEPUTY, MEMBER = "secretary", "deputy_secretary", "committee_member"
HEAD, FRONT = "village_head", "front_head"
# The village post each cell title brings with it (Bí thư kiêm trưởng bản, Phó Bí thư kiêm
# trưởng ban công tác Mặt trận): it passes to the new holder when the outgoing one held it.
POST_OF = {SECRETARY: HEAD, DEPUTY: FRONT}
OLD_TERM = "2023–2025"
RE_ELECTED = 0.85  # an outgoing secretary standing again and elected
STAYS = 0.75  # an outgoing deputy or committee member elected again
PLANNED = 0.85  # a title of the new committee given planned successors
FIRST_NUMBER = 201


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def write_committees_2025(
    held: list[tuple[Organization, datetime.date, Term]],
    seed: int,
    today: datetime.date,
    keep: dict[int, int],
    never: set[int],
) -> dict:
    """The committees elected at the congresses `held` (cell, day, the term it opened), in that
    order. `keep`: cell id -> the member re-elected secretary there whatever the draw (the demo
    secretary); `never`: members given no seat (the demo member)."""
    if not held:
        return {"positions": 0, "ended": 0, "village_posts": 0, "succession_plans": 0}
    rng = Random(f"committees-2025-{seed}")
    cell_ids = [cell.pk for cell, _day, _term in held]
    seats = defaultdict(list)  # cell id -> [(pk, member, title)] still held
    for pk, cell_id, member_id, title in (
        Position.objects.filter(organization_id__in=cell_ids, end__isnull=True)
        .order_by("organization_id", "start", "pk")
        .values_list("pk", "organization_id", "member_id", "title")
    ):
        seats[cell_id].append((pk, member_id, title))
    pool = _pool(cell_ids, min(day for _c, day, _t in held), never)
    planned = defaultdict(list)  # (cell id, title) -> members planned for the 2023–2025 term
    for cell_id, title, member_id in (
        SuccessionPlan.objects.filter(
            organization_id__in=cell_ids, term_name=OLD_TERM, removed_on__isnull=True
        )
        .order_by("organization_id", "title", "approved_on", "pk")
        .values_list("organization_id", "title", "member_id")
    ):
        planned[(cell_id, title)].append(member_id)
    posts = defaultdict(list)  # (cell id, member, kind) -> [(pk, village)] held now
    for pk, village_id, kind, member_id, cell_id in (
        ConcurrentRole.objects.filter(
            end__isnull=True,
            member_id__isnull=False,
            kind__in=list(POST_OF.values()),
            village__cell_links__end__isnull=True,
            village__cell_links__cell_id__in=cell_ids,
        )
        .order_by("pk")
        .values_list("pk", "village_id", "kind", "member_id", "village__cell_links__cell_id")
    ):
        posts[(cell_id, member_id, kind)].append((pk, village_id))

    rules = list(CommitteeRule.objects.order_by("-effective_from"))
    numbers: dict[str, int] = defaultdict(int)
    ended = defaultdict(list)  # day -> ids of the positions ending then
    rows, role_rows, role_ends, plan_rows, handovers = [], [], defaultdict(list), [], []
    for cell, day, term in sorted(held, key=lambda h: (h[1], h[0].path)):
        old = seats[cell.pk]
        members = pool[cell.pk]
        rule = next(r for r in rules if r.effective_from <= day)
        new = _elect(rng, cell.pk, day, old, members, planned, rule, keep.get(cell.pk))
        if not new:
            continue
        upper = cell.parent
        issuer = "TU" if upper.code == d.PROVINCE[0] else "ĐU"
        numbers[upper.code] += 1
        decision = f"Quyết định số {FIRST_NUMBER - 1 + numbers[upper.code]}-QĐ/{issuer}"
        ended[day] += [pk for pk, _m, _t in old]
        rows += [
            (cell.pk, term.pk, member, title, day, None, "elected", decision)
            for member, title in new
        ]
        # The village meeting after the congress gives the new secretary (deputy) the post the
        # outgoing one held in a village the cell serves.
        outgoing = {title: member for _pk, member, title in old if title in POST_OF}
        incoming = {title: member for member, title in new if title in POST_OF}
        for title, kind in POST_OF.items():
            before, after = outgoing.get(title), incoming.get(title)
            if before is None or after is None or before == after:
                continue
            moved = day + _days(rng.randint(14, 45))
            if moved > today:
                continue
            for pk, village_id in posts[(cell.pk, before, kind)]:
                role_ends[moved].append(pk)
                role_rows.append((village_id, kind, after, moved))
        before = outgoing.get(SECRETARY)
        if before is not None and before != incoming[SECRETARY]:
            handovers.append((cell.pk, day, before, incoming[SECRETARY]))
        # The new committee's succession plan for the term, approved after the congress.
        approved = day + _days(rng.randint(20, 75))
        if approved <= today:
            plan_rows += _successors(rng, cell.pk, new, members, approved)
    for day, pks in ended.items():
        Position.objects.filter(pk__in=pks).update(end=day)
    for day, pks in role_ends.items():
        ConcurrentRole.objects.filter(pk__in=pks).update(end=day)
    insert(
        Position,
        ("organization", "term", "member", "title", "start", "end", "obtained", "decision"),
        rows,
    )
    insert(ConcurrentRole, ("village", "kind", "member", "start"), role_rows)
    insert(
        SuccessionPlan,
        ("organization", "term_name", "title", "member", "approved_on"),
        plan_rows,
    )
    chaired, made_present = _hand_over_meetings(handovers)
    return {
        "positions": len(rows),
        "ended": sum(len(pks) for pks in ended.values()),
        "meetings_chaired_by_the_new_secretary": chaired,
        "made_present": made_present,
        "village_posts": len(role_rows),
        "succession_plans": len(plan_rows),
    }


def _hand_over_meetings(handovers) -> int:
    """The meetings of a cell after its congress were planned with the committee of 2023 (the
    meetings come before the congresses in the build): where the secretary changed, the new
    one chairs them, as the secretary of the day does, present for it (the roll-call figures
    follow), takes the outgoing one's words and, if it was theirs, hands the minutes to them.
    (cell, congress day, outgoing secretary, new secretary) each; (the meetings changed, the
    roll-call rows made present)."""
    from chibo.meetings.models import Attendance, CellMeeting, Speech

    name = dict(
        Member.objects.filter(
            pk__in=[h[3] for h in handovers] + [h[2] for h in handovers]
        ).values_list("pk", "full_name")
    )
    changed = made_present = 0
    for cell_id, day, before, after in handovers:
        meetings = list(
            CellMeeting.objects.filter(cell_id=cell_id, held_on__gte=day, chair_id=before)
            .filter(attendance__member_id=after)
            .values_list("pk", flat=True)
        )
        if not meetings:
            continue
        roll = Attendance.objects.filter(meeting_id__in=meetings, member_id=after)
        for presence, field in (("excused", "absent_excused"), ("unexcused", "absent_unexcused")):
            away = list(roll.filter(presence=presence).values_list("meeting_id", flat=True))
            CellMeeting.objects.filter(pk__in=away).update(
                present=F("present") + 1, **{field: F(field) - 1}
            )
        made_present += roll.exclude(presence="present").update(presence="present", reason="")
        CellMeeting.objects.filter(pk__in=meetings, minute_taker_id=after).update(
            minute_taker_id=before
        )
        CellMeeting.objects.filter(pk__in=meetings).update(chair_id=after)
        words = Speech.objects.filter(meeting_id__in=meetings)
        theirs = list(words.filter(member_id=after).values_list("pk", flat=True))
        words.filter(member_id=before).update(member_id=after, speaker=name[after])
        Speech.objects.filter(pk__in=theirs).update(member_id=before, speaker=name[before])
        changed += len(meetings)
    return changed, made_present


def _pool(cell_ids, first: datetime.date, never: set[int]) -> dict[int, list[tuple]]:
    """cell id -> (member, official since, joined the cell, born, theory level ok) of the
    members whose membership of the cell is still open and who are active: those who may hold a
    seat there from the congress to this day. The theory level is the one of the first congress
    day (a level only rises)."""
    rows = (
        Membership.objects.filter(
            cell_id__in=cell_ids,
            end__isnull=True,
            member__status=Status.ACTIVE,
            member__official_date__isnull=False,
        )
        .exclude(member_id__in=never)
        .annotate(level=theory_level_on(first))
        .order_by("cell_id", "member_id")
        .values_list(
            "cell_id", "member_id", "member__official_date", "start", "member__birth_date", "level"
        )
    )
    below = set(levels_below("basic"))
    out = defaultdict(list)
    for cell_id, member_id, official, start, born, level in rows:
        out[cell_id].append((member_id, max(official, start), born, level not in below))
    return out


def _elect(rng, cell_id, day, old, members, planned, rule, keep) -> list[tuple[int, str]]:
    """(member, title) of the committee a cell's congress elects; [] when nobody may sit."""
    eligible = {m: (born, ok) for m, since, born, ok in members if since <= day}
    if not eligible:
        return []
    n_official = len(eligible)
    outgoing = defaultdict(list)
    for _pk, member, title in old:
        outgoing[title].append(member)
    size = _size(rng, n_official, len(old), rule)
    qualified = [m for m, (_b, ok) in sorted(eligible.items()) if ok]
    taken: list[int] = []

    def free(ms):
        return [m for m in ms if m in eligible and m not in taken]

    def draw():
        cands = free(qualified) or free(sorted(eligible))
        if not cands:
            return None
        return weighted_sample(rng, cands, lambda m: _weight(eligible[m]), 1)[0]

    def first_of(*groups):
        """The first free member of the groups with the theory standard, else one drawn with
        it, else the first of the groups, else one drawn."""
        ok = set(qualified)
        for group in [[m for m in g if m in ok] for g in groups]:
            if free(group):
                return free(group)[0]
        if free(qualified):
            return draw()
        for group in groups:
            if free(group):
                return free(group)[0]
        return draw()

    # The secretary.
    before = outgoing[SECRETARY][:1]
    if keep is not None and keep in eligible:
        secretary = keep
    elif free(before) and rng.random() < RE_ELECTED:
        secretary = before[0]
    else:
        secretary = first_of(
            free(planned[(cell_id, SECRETARY)]), [m for m in outgoing[DEPUTY] if m not in before]
        )
    taken.append(secretary)
    # The deputy, then the committee members.
    stay = [m for m in free(outgoing[DEPUTY] + outgoing[MEMBER]) if rng.random() < STAYS]
    if size >= 2:
        deputy = first_of(
            [m for m in free(outgoing[DEPUTY]) if m in stay],
            free(planned[(cell_id, DEPUTY)]),
            stay,
            free(before),
        )
        if deputy is not None:
            taken.append(deputy)
    ok = set(qualified)
    successors = free(planned[(cell_id, MEMBER)])
    for m in stay + [m for m in successors if m in ok] + [m for m in successors if m not in ok]:
        if len(taken) >= size:
            break
        if m not in taken:
            taken.append(m)
    while len(taken) < size:
        m = draw()
        if m is None:
            break
        taken.append(m)
    titles = [SECRETARY, DEPUTY] + [MEMBER] * (len(taken) - 2)
    return list(zip(taken, titles, strict=False))


def _size(rng, n_official: int, before: int, rule) -> int:
    """Seats to elect: a committee (3 to the rule's maximum) where the cell has the rule's
    number of official members, kept at its size most of the time; else 1 or 2."""
    if n_official >= rule.committee_threshold:
        if rule.min_committee_size <= before <= rule.max_committee_size and rng.random() < 0.7:
            size = before
        elif n_official < 15:
            size = 3
        elif n_official < 30:
            size = rng.choice((3, 5, 5))
        else:
            size = rng.choice((5, 5, 7))
        return min(size, rule.max_committee_size, n_official)
    return min(2 if before >= 2 or rng.random() < 0.6 else 1, n_official)


def _weight(person) -> float:
    """Working age, with the theory standard: as the 2023 renewal drew its seats."""
    born, ok = person
    age = d.AS_OF.year + 2 - born.year  # about the age in 2025
    w = 0.2 if age < 25 or age > 68 else 2.0 if 30 <= age <= 58 else 1.0
    return w * (4.0 if ok else 1.0) * (1.5 if age < 45 else 1.0)


def _successors(rng, cell_id, new, members, approved) -> list[tuple]:
    """Planned successors of the new committee's titles for the 2025–2030 term: most titles
    get one or two, younger members with the theory standard first."""
    seated = {m for m, _t in new}
    eligible = {m: (born, ok) for m, since, born, ok in members if since <= approved}
    out = []
    for title in (SECRETARY, DEPUTY, MEMBER):
        holders = {m for m, t in new if t == title}
        if not holders or rng.random() >= PLANNED:
            continue
        cands = sorted(m for m in eligible if m not in holders)
        if title == MEMBER:
            cands = [m for m in cands if m not in seated]
        if not cands:
            continue
        k = min(2 if rng.random() < 0.3 else 1, len(cands))

        def weight(m, title=title):
            born, ok = eligible[m]
            age = approved.year - born.year
            w = 3.0 if age < 40 else 2.0 if age < 45 else 1.0 if age < 55 else 0.2
            return w * (4.0 if title != MEMBER and m in seated else 1.0) * (2.0 if ok else 1.0)

        for m in weighted_sample(rng, cands, weight, k):
            out.append((cell_id, "2025–2030", title, m, approved))
    return out


# --- the new commune committees' first congresses ---------------------------------------------

STANDING = "standing_member"
COMMUNE_TERM = ("2025–2030", datetime.date(2030, 7, 1))
# The province approves the new commune committees elected at their congresses, in August 2025:
# its decisions of the year run on after the reorganization's (1150-QĐ/TU of 30/06/2025).
PROVINCE_FIRST_NUMBER = 1201
COMMUNE_DEPUTIES = 2
COMMUNE_STANDING = (7, 9)  # the standing committee, the secretary and deputies included
COMMUNE_COMMITTEE = (23, 29)  # the executive committee elected
RETURNING = 0.85  # of the merged committees' members still in the commune, at most


def write_commune_congresses_2025(
    held: list[tuple[Organization, datetime.date, Term]], seed: int, today: datetime.date
) -> dict:
    """The first congress of each new commune committee of 01/07/2025 (Đại hội đại biểu Đảng
    bộ xã lần thứ I, nhiệm kỳ 2025–2030), a few days after the last congress of its cells
    (`held`: the cells' congresses): it opens the committee's 2025–2030 term and elects its
    executive committee from the committee the reorganization merged (whose seats end that
    day): the secretary in place, the People's Committee chairman and the standing deputy as
    deputies, the standing committee and the members of the merged committees still in its
    cells, fewer than the merged ones; the province approves each result (numbered per issuer:
    the province's decisions of the year). Its successors for the term are planned after."""
    rng = Random(f"commune-congresses-2025-{seed}")
    last = {}
    for cell, day, _term in held:
        last[cell.parent_id] = max(day, last.get(cell.parent_id, day))
    committees = list(
        Organization.objects.filter(code__in=[c for c, _n, _o in NEW_COMMUNES]).order_by("code")
    )
    terms, rows, plan_rows, ended = [], [], [], []
    number = PROVINCE_FIRST_NUMBER - 1
    name, end = COMMUNE_TERM
    # Each committee's day, drawn in the order of the codes; the congresses in the order held.
    days = {c.pk: last[c.pk] + _days(rng.randint(3, 12)) for c in committees if c.pk in last}
    committees = sorted((c for c in committees if c.pk in days), key=lambda c: (days[c.pk], c.code))
    for committee in committees:
        day = days[committee.pk]
        if day > today:
            continue
        seats = list(
            Position.objects.filter(organization=committee)
            .in_force(day)
            .order_by("start", "pk")
            .values_list("pk", "member_id", "title")
        )
        staying = set(
            Membership.objects.filter(
                cell__path__startswith=committee.path,
                end__isnull=True,
                member__status=Status.ACTIVE,
                member_id__in=[m for _pk, m, _t in seats],
            ).values_list("member_id", flat=True)
        )
        by_title = defaultdict(list)
        for _pk, member, title in seats:
            if member in staying:
                by_title[title].append(member)
        if not by_title[SECRETARY]:
            continue
        chairman = _chairman(committee, day)
        secretary = by_title[SECRETARY][0]
        deputies = [m for m in by_title[DEPUTY] if m == chairman] + [
            m for m in by_title[DEPUTY] if m != chairman
        ]
        deputies = deputies[:COMMUNE_DEPUTIES]
        standing = [m for m in by_title[DEPUTY] if m not in deputies] + by_title[STANDING]
        n_standing = rng.randint(*COMMUNE_STANDING) - 1 - len(deputies)
        chosen_standing = standing[:n_standing]
        others = standing[n_standing:] + by_title[MEMBER]
        # Fewer than the merged committees: some of their members are not elected again.
        size = min(rng.randint(*COMMUNE_COMMITTEE), int(RETURNING * len(staying)))
        n_members = size - 1 - len(deputies) - len(chosen_standing)
        members = sorted(rng.sample(others, min(n_members, len(others))), key=others.index)
        new = (
            [(secretary, SECRETARY)]
            + [(m, DEPUTY) for m in deputies]
            + [(m, STANDING) for m in chosen_standing]
            + [(m, MEMBER) for m in members]
        )
        term = Term(organization=committee, name=name, start=day, end=end, congress_date=day)
        terms.append(term)
        number += 1
        decision = f"Quyết định số {number}-QĐ/TU"
        ended.append(([pk for pk, _m, _t in seats], day))
        rows.append((committee, term, new, day, decision))
        approved = day + _days(rng.randint(30, 75))
        if approved <= today:
            left = [m for m in others if m not in members]
            plan_rows += _commune_successors(rng, committee.pk, new, left, approved)
    Term.objects.bulk_create(terms)
    for pks, day in ended:
        Position.objects.filter(pk__in=pks).update(end=day)
    insert(
        Position,
        ("organization", "term", "member", "title", "start", "end", "obtained", "decision"),
        (
            (committee.pk, term.pk, member, title, day, None, "elected", decision)
            for committee, term, new, day, decision in rows
            for member, title in new
        ),
    )
    insert(
        SuccessionPlan,
        ("organization", "term_name", "title", "member", "approved_on"),
        plan_rows,
    )
    return {
        "congresses": len(terms),
        "positions": sum(len(new) for _c, _t, new, _d, _n in rows),
        "succession_plans": len(plan_rows),
    }


def _chairman(committee: Organization, day: datetime.date) -> int | None:
    """The member who chairs the commune's People's Committee on `day`, if a member."""
    return (
        CommuneLeader.objects.filter(commune=committee, post="pc_chairman")
        .in_force(day)
        .values_list("member_id", flat=True)
        .first()
    )


def _commune_successors(rng, committee_id, new, left, approved) -> list[tuple]:
    """Planned successors for the commune committee's titles: for each title most of the time
    one or two of the committee's next rank (a deputy for the secretary, a standing member for
    a deputy, a member for the standing committee, for a member one of the merged committees'
    members not elected again)."""
    by_title = defaultdict(list)
    for member, title in new:
        by_title[title].append(member)
    by_title["left"] = left
    out = []
    for title, below in (
        (SECRETARY, DEPUTY),
        (DEPUTY, STANDING),
        (STANDING, MEMBER),
        (MEMBER, "left"),
    ):
        cands = by_title[below]
        if not cands or rng.random() >= PLANNED:
            continue
        k = min(2 if rng.random() < 0.4 else 1, len(cands))
        for m in rng.sample(cands, k):
            out.append((committee_id, COMMUNE_TERM[0], title, m, approved))
    return out
