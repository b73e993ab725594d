"""The demo's monthly cell meetings (issue 4): officials who follow cells, helping organizations
and the meetings from April 2020 to the current month (see meetings_officials and meetings_plan
for what is made).

`build_meetings` runs inside builder.build_demo's transaction, after the members, committees and
training. The officials' accounts and assignments (a few hundred rows) go through bulk_create.
The meetings and what hangs on them, some 800,000 rows (roll call, agenda, scores, speeches,
tasks, targets and their progress), go straight into their tables (rows.insert: bulk_create
kept the build far above a minute). The primary keys of the meetings and targets are read back
by their natural keys (cell, month, kind / cell, year, name) in one query each.
"""

from collections import defaultdict

from django.utils import timezone

from chibo.meetings.models import (
    AgendaItem,
    AgendaTemplateItem,
    Attendance,
    CellMeeting,
    Guest,
    ScoreEntry,
    ScoreItem,
    Speech,
    Task,
)
from chibo.meetings.schedule import Schedule
from chibo.targets.models import Target, TargetProgress

from .meetings_officials import plan_officials, write_officials
from .meetings_plan import MeetingsPlan, plan_meetings, schedule_of
from .rows import ids, indexes_built_after, insert


def build_meetings(plan, orgs, member_ids, users, villages, today=None) -> dict:
    """Write the officials, helping organizations and meetings of the demo, to `today`'s month;
    `users`: the demo users by username, `villages`: village code -> Village. Returns a summary
    for the audit."""
    oplan = plan_officials(plan)
    accounts = write_officials(oplan, orgs, users, villages)
    schedule = Schedule.load(templates=True, sheets=True)
    days, sheets = schedule_of(plan, orgs, schedule, today)
    mplan = plan_meetings(plan, oplan, days, sheets, today)
    with indexes_built_after(CellMeeting, Attendance, AgendaItem, Speech, ScoreEntry, Task):
        write_meetings(mplan, orgs, member_ids, accounts, users, schedule)
    return {**oplan.summary(), **mplan.summary(), "digest": mplan.digest()}


def write_meetings(mplan: MeetingsPlan, orgs, member_ids, accounts, users, schedule) -> None:
    """Insert the meetings plan; `accounts`: the officials' users in the order of the officials
    plan's cadres. The demo secretary's cell's meetings are recorded by demo-secretary, those of
    the demo commune reviewed by demo-commune; the others by nobody in particular."""
    tz = timezone.get_default_timezone()
    now = timezone.now()

    def aware(moment):
        return timezone.make_aware(moment, tz) if moment is not None else None

    def mid(i):
        return member_ids[i] if i is not None else None

    secretary, commune = users.get("demo-secretary"), users.get("demo-commune")
    secretary_cell = secretary.member.cell_id if secretary and secretary.member_id else None
    commune_org = commune.roles.values_list("organization_id", flat=True).first()
    insert(
        Target,
        ("cell", "year", "name", "unit", "yearly_value", "measure", "order", "created_at",
         "updated_at"),
        ((orgs[t.cell].pk, t.year, t.name, t.unit, t.value, t.measure, t.order, now, now)
         for t in mplan.targets),
    )  # fmt: skip
    target_ids = ids(
        Target.objects.values_list("pk", "cell_id", "year", "name"),
        [(orgs[t.cell].pk, t.year, t.name) for t in mplan.targets],
    )
    rows = []
    for m in mplan.meetings:
        cell = orgs[m.cell]
        recorded = m.recorded_at is not None
        recorder = secretary.pk if recorded and cell.pk == secretary_cell else None
        reviewer = commune.pk if m.reviewed_at and cell.parent_id == commune_org else None
        rows.append(
            (cell.pk, m.month, m.kind, m.topic, m.scheduled, m.held_on, m.start, m.end, m.place,
             m.status, mid(m.chair), mid(m.minute_taker), m.summary, m.conclusions, m.resolution,
             m.sheet, m.points, m.quality_class, *m.counts, aware(m.invited_at), recorder,
             aware(m.recorded_at), reviewer, aware(m.reviewed_at), m.review_comment, m.version,
             now, now)
        )  # fmt: skip
    insert(
        CellMeeting,
        ("cell", "month", "kind", "topic", "scheduled_date", "held_on", "start_time", "end_time",
         "place", "status", "chair", "minute_taker", "summary", "conclusions", "resolution",
         "score_sheet", "quality_points", "quality_class", "summoned", "present",
         "absent_excused", "absent_unexcused", "invitations_sent_at", "recorded_by",
         "recorded_at", "reviewed_by", "reviewed_at", "review_comment", "version", "created_at",
         "updated_at"),
        rows,
    )  # fmt: skip
    meeting_ids = ids(
        CellMeeting.objects.values_list("pk", "cell_id", "month", "kind"),
        [(orgs[m.cell].pk, m.month, m.kind) for m in mplan.meetings],
    )
    pairs = list(zip(meeting_ids, mplan.meetings, strict=True))
    insert(
        Guest,
        ("meeting", "kind", "user", "name", "organization", "guidance"),
        (
            (pk, kind, accounts[k].pk if k is not None else None, name, org, guidance)
            for pk, m in pairs
            for kind, k, name, org, guidance in m.guests
        ),
    )
    insert(
        Attendance,
        ("meeting", "member", "summoned", "presence", "reason"),
        (
            (pk, member_ids[i], summoned, presence, reason)
            for pk, m in pairs
            for i, summoned, presence, reason in m.attendance
        ),
    )
    _agenda(pairs, orgs, schedule)
    insert(
        Speech,
        ("meeting", "order", "member", "speaker", "gist"),
        (
            (pk, n, mid(i), speaker, gist)
            for pk, m in pairs
            for n, (i, speaker, gist) in enumerate(m.speeches, 1)
        ),
    )
    items = defaultdict(list)
    for item in ScoreItem.objects.order_by("sheet_id", "order"):
        items[item.sheet_id].append(item.pk)
    insert(
        ScoreEntry,
        ("meeting", "item", "points"),
        (
            (pk, item, points)
            for pk, m in pairs
            if m.scores
            for item, points in zip(items[m.sheet], m.scores, strict=True)
        ),
    )
    insert(
        TargetProgress,
        ("target", "month", "value", "note", "meeting", "recorded_at"),
        (
            (target_ids[t], month, value, "", meeting_ids[k], now)
            for t, month, value, k in mplan.progress
        ),
    )
    insert(
        Task,
        ("cell", "meeting", "title", "owner_kind", "owner_member", "owner_name", "deadline",
         "target", "state", "reviewed_at", "review_note", "progress", "created_at", "updated_at"),
        (
            (orgs[t.cell].pk, meeting_ids[t.meeting], t.title, t.owner_kind, mid(t.owner_member),
             t.owner_name, t.deadline, target_ids[t.target] if t.target is not None else None,
             t.state, meeting_ids[t.reviewed_at] if t.reviewed_at is not None else None,
             t.review_note, t.progress, now, now)
            for t in mplan.tasks
        ),
    )  # fmt: skip


def _agenda(pairs, orgs, schedule):
    """Each meeting's agenda copied from the template in force, as services.meetings_generate
    does for the month's planned meetings."""
    items = defaultdict(list)
    for item in AgendaTemplateItem.objects.order_by("template_id", "order"):
        items[item.template_id].append((item.section, item.order, item.title))
    template_of = {}
    rows = []
    for pk, m in pairs:
        key = (m.cell, m.month)
        if key not in template_of:
            template = schedule.template_for(orgs[m.cell].path, m.month)
            template_of[key] = template.pk if template else None
        rows += [(pk, *item, False) for item in items.get(template_of[key], ())]
    insert(AgendaItem, ("meeting", "section", "order", "title", "removed"), rows)
