"""Row hooks of the generic sheets (derived fields, checks) and the few exports that need more
than a queryset: the term of a position or of a congress, a village post's holder, a temporary
stay's host, a score's item code."""

import datetime
from array import array

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from chibo.admissions.models import Candidate, CandidateCell
from chibo.committees.models import (
    ConcurrentRole,
    Position,
    Term,
)
from chibo.congresses.models import CellCongress
from chibo.core.vn import day_text
from chibo.meetings.models import (
    Attendance,
    CellMeeting,
    MeetingRule,
    ScoreEntry,
    ScoreItem,
    Task,
)
from chibo.members.models import Membership, TemporaryStay

from .engine import PENDING
from .spec import Invalid


def candidate_cells_default(attrs, run):
    """A blank CCCD is none; and once the file's candidates are in, those without a dated cell
    (created by a file without their rows in «Chi bộ của quần chúng») belong to their cell from
    the day they were listed (_default_candidate_cells)."""
    if attrs.get("citizen_id") == "":
        attrs["citizen_id"] = None
    if not run.state.get("candidate_cells_default"):
        run.state["candidate_cells_default"] = True
        run.finalizers.append(_default_candidate_cells)


def _default_candidate_cells(run):
    lacking = Candidate.objects.exclude(
        pk__in=CandidateCell.objects.values("candidate_id")
    ).values_list("pk", "cell_id", "listed_on")
    CandidateCell.objects.bulk_create(
        [
            CandidateCell(candidate_id=pk, cell_id=cell, start=listed_on)
            for pk, cell, listed_on in lacking
        ],
        batch_size=2000,
    )


def term_loader():
    return {
        f"{org}:{name}": pk
        for pk, org, name in Term.objects.values_list("pk", "organization_id", "name")
    }


def term_ref(attrs, run):
    attrs["ref_code"] = f"{attrs['organization_id']}:{attrs['name']}"


def term_of_position(attrs, run):
    name = attrs.pop("term", "") or ""
    attrs["term_id"] = None
    if name:
        pk = run.refs.get("term", f"{attrs['organization_id']}:{name}")
        if pk is None:
            raise Invalid(_("Tổ chức chưa có nhiệm kỳ «%(t)s» (trang Nhiệm kỳ).") % {"t": name})
        attrs["term_id"] = pk


def holder_given(attrs, run):
    if attrs.get("member_id") is None and not attrs.get("person_name"):
        raise Invalid(_("Cần số hiệu đảng viên hoặc họ tên người giữ chức danh."))


def export_positions(ctx):
    qs = Position.objects.filter(organization_id__in=list(ctx.org_code)).select_related("term")
    for p in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "organization": ctx.org(p.organization_id),
            "term": p.term.name if p.term_id else "",
            "member": ctx.member(p.member_id),
            "title": p.title,
            "start": p.start,
            "end": p.end,
            "obtained": p.obtained,
            "decision": p.decision,
        }


def export_posts(ctx):
    qs = ConcurrentRole.objects.filter(village_id__in=list(ctx.village_code)).select_related(
        "member"
    )
    for r in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "village": ctx.village_code[r.village_id],
            "kind": r.kind,
            "member": ctx.member(r.member_id) if r.member_id else "",
            # a holder who is a member outside the exported subtree: by name
            "person_name": r.person_name or ("" if ctx.member(r.member_id) else r.member.full_name),
            "start": r.start,
            "end": r.end,
        }


def meeting_rule_defaults(attrs, run):
    """The model's defaults for the columns a row leaves blank."""
    for name in (
        "on_sunday",
        "on_holiday",
        "overdue_after_days",
        "min_minutes",
        "min_minutes_thematic",
        "materials_days_ahead",
    ):
        if attrs.get(name) in (None, ""):
            attrs[name] = MeetingRule._meta.get_field(name).get_default()
    if not 1 <= attrs["day"] <= 28:
        raise Invalid(_("Ngày sinh hoạt phải từ 1 đến 28."))


COUNTS = ("summoned", "present", "absent_excused", "absent_unexcused")


def meeting_prepare(attrs, run):
    cells = run.state.setdefault("cells_with_meetings", set())
    if not cells:
        run.finalizers.append(meeting_counts)
    cells.add(attrs["cell_id"])
    attrs["month"] = attrs["scheduled_date"].replace(day=1)
    attrs["topic"] = attrs.get("topic") or ""
    given = any(attrs.get(name) is not None for name in COUNTS)
    key = (attrs["cell_id"], attrs.get("kind"), attrs["scheduled_date"], attrs["topic"])
    run.state.setdefault("meeting_rows", {})[key] = (run.row_number, given)
    for name in COUNTS:
        if attrs.get(name) is None:
            attrs[name] = 0


def meeting_counts(run):
    """The figures of a meeting that has a roll call are the roll call's (summoned: the rows
    «Thuộc diện triệu tập»; present and the two absences counted among them), as a record saved
    through the pages stores them. A meeting row that leaves them blank gets them; one whose
    figures differ from its roll call is an error on that row (an attendance rate is computed
    from them: 99 present of 12 summoned would be 825%)."""
    sheet = next(s for s in run.sheets if s.model is CellMeeting)
    rows = run.state["meeting_rows"]
    P = Attendance.Presence
    summoned = Q(summoned=True)
    roll = {
        r["meeting_id"]: (r["n_summoned"], r["n_present"], r["n_excused"], r["n_unexcused"])
        for r in Attendance.objects.filter(meeting__cell_id__in=run.state["cells_with_meetings"])
        .values("meeting_id")
        .annotate(
            n_summoned=Count("id", filter=summoned),
            n_present=Count("id", filter=summoned & Q(presence=P.PRESENT)),
            n_excused=Count("id", filter=summoned & Q(presence=P.EXCUSED)),
            n_unexcused=Count("id", filter=summoned & Q(presence=P.UNEXCUSED)),
        )
        .order_by()
    }
    fill = []
    for pk, *key_and_counts in CellMeeting.objects.filter(pk__in=list(roll)).values_list(
        "pk", "cell_id", "kind", "scheduled_date", "topic", *COUNTS
    ):
        key, stored = tuple(key_and_counts[:4]), tuple(key_and_counts[4:])
        row, given = rows.get(key, (None, True))
        counted = roll[pk]
        if stored == counted:
            continue
        if given:
            run.error(
                sheet,
                row or 0,
                "Có mặt",
                _(
                    "Số liệu không khớp với trang «Điểm danh» của cuộc sinh hoạt này: ghi triệu "
                    "tập %(s)s, có mặt %(p)s, vắng có lý do %(e)s, vắng không lý do %(u)s; điểm "
                    "danh có %(rs)s, %(rp)s, %(re)s, %(ru)s. Hãy sửa cho khớp, hoặc để trống bốn "
                    "cột này để chibo tính từ điểm danh."
                )
                % dict(
                    zip(("s", "p", "e", "u", "rs", "rp", "re", "ru"), stored + counted, strict=True)
                ),
            )
        else:
            fill.append(CellMeeting(pk=pk, **dict(zip(COUNTS, counted, strict=True))))
    if fill and not run.errors:
        CellMeeting.objects.bulk_update(fill, list(COUNTS), batch_size=500)


def attendance_prepare(attrs, run):
    meetings = run.state.get("roll_meetings")
    if meetings is None:
        meetings = run.state["roll_meetings"] = set()
        # Each row's meeting, member and number, for roll_call_members' errors: in arrays, 20
        # bytes a row (a dict of them took ~130 MB a million rows, for an error path).
        run.state["roll_rows"] = (array("q"), array("q"), array("i"))
        run.finalizers.append(roll_call_members)
    meeting = attrs["meeting_id"]
    meetings.add(meeting)
    of_meeting, of_member, numbers = run.state["roll_rows"]
    of_meeting.append(meeting)
    of_member.append(attrs.get("member_id") or PENDING)
    numbers.append(run.row_number)


def roll_call_members(run):
    """A roll-call row names a member of the meeting's cell on the meeting's day (held, or else
    planned), as the roll call of the pages does (chibo.meetings.selectors.roll_call): checked
    once every membership is written (those from «Đảng viên» come last), in the database."""
    meetings = run.state["roll_meetings"] - {PENDING}
    if not meetings:
        return
    sheet = next(s for s in run.sheets if s.model is Attendance)
    covering = Membership.objects.filter(
        Q(end__isnull=True) | Q(end__gt=OuterRef("day")),
        member_id=OuterRef("member_id"),
        cell_id=OuterRef("meeting__cell_id"),
        start__lte=OuterRef("day"),
    )
    strays = list(
        Attendance.objects.filter(meeting_id__in=list(meetings))
        .annotate(day=Coalesce("meeting__held_on", "meeting__scheduled_date"))
        .filter(~Exists(covering))
        .order_by("meeting_id", "member_id")
        .values_list("meeting_id", "member_id", "day")[:20]
    )
    if not strays:
        return
    meeting_code = {pk: code for code, pk in run.refs.map("meeting").items()}
    member_code = {pk: code for code, pk in run.refs.map("member").items()}
    wanted = {(meeting, member) for meeting, member, _day in strays}
    row_of = {}
    for meeting, member, number in zip(*run.state["roll_rows"], strict=True):
        if (meeting, member) in wanted:
            row_of.setdefault((meeting, member), number)
    for meeting, member, day in strays:
        run.error(
            sheet,
            row_of.get((meeting, member), 0),
            "Số hiệu đảng viên",
            _(
                "Cuộc sinh hoạt «%(m)s»: đảng viên «%(p)s» không sinh hoạt ở chi bộ này vào ngày "
                "%(d)s (theo trang «Quá trình sinh hoạt» hoặc «Đảng viên»), nên không có trong "
                "điểm danh của cuộc này."
            )
            % {
                "m": meeting_code.get(meeting, meeting),
                "p": member_code.get(member, member),
                "d": day_text(day),
            },
        )


def score_sheet_loader():
    from chibo.meetings.models import ScoreSheet

    return dict(ScoreSheet.objects.values_list("name", "pk"))


def task_prepare(attrs, run):
    meeting_cells = run.state.get("meeting_cells")
    if meeting_cells is None:
        meeting_cells = run.state["meeting_cells"] = dict(
            CellMeeting.objects.values_list("pk", "cell_id")
        )
    attrs["cell_id"] = meeting_cells.get(attrs["meeting_id"])
    if attrs["owner_kind"] == Task.Owner.MEMBER and attrs.get("owner_member_id") is None:
        raise Invalid(_("Nhiệm vụ giao cho đảng viên: cần số hiệu đảng viên."))


def score_item(attrs, run):
    items = run.state.get("score_items")
    if items is None:
        items = run.state["score_items"] = {
            (sheet_id, code): pk
            for pk, sheet_id, code in ScoreItem.objects.values_list("pk", "sheet_id", "code")
        }
        run.state["meeting_sheet"] = dict(
            CellMeeting.objects.filter(score_sheet__isnull=False).values_list(
                "pk", "score_sheet_id"
            )
        )
    sheet_id = run.state["meeting_sheet"].get(attrs["meeting_id"])
    code = attrs.pop("item")
    pk = items.get((sheet_id, code))
    if pk is None:
        raise Invalid(
            _("Cuộc sinh hoạt không có bảng chấm điểm, hoặc bảng không có tiêu chí «%(c)s».")
            % {"c": code}
        )
    attrs["item_id"] = pk


def export_scores(ctx):
    codes = dict(ScoreItem.objects.values_list("pk", "code"))
    qs = ScoreEntry.objects.filter(meeting__cell_id__in=list(ctx.org_code))
    for meeting_id, item_id, points in (
        qs.order_by("id").values_list("meeting_id", "item_id", "points").iterator(chunk_size=10000)
    ):
        yield {"meeting": f"SH{meeting_id}", "item": codes[item_id], "points": points}


def stay_host_given(attrs, run):
    if attrs.get("host_cell_id") is None and not attrs.get("host_name"):
        raise Invalid(_("Cần mã chi bộ hoặc tên nơi sinh hoạt tạm thời."))
    if attrs.get("end") is not None and attrs["end"] <= attrs["start"]:
        raise Invalid(_("«Đến ngày» phải sau «Từ ngày»."))


def export_stays(ctx):
    qs = TemporaryStay.objects.filter(member_id__in=list(ctx.member_ref)).select_related(
        "host_cell"
    )
    for s in qs.order_by("member_id", "start", "id").iterator(chunk_size=5000):
        host = ctx.org(s.host_cell_id) if s.host_cell_id else ""
        yield {
            "member": ctx.member(s.member_id),
            "host_cell": host,
            # a host cell outside the exported subtree: by name
            "host_name": s.host_name or ("" if host or not s.host_cell_id else s.host_cell.name),
            "start": s.start,
            "end": s.end,
            "letter_number": s.letter_number,
            "note": s.note,
        }


def plan_interval(attrs, run):
    if attrs["term_end"] <= attrs["term_start"]:
        raise Invalid(_("«Nhiệm kỳ đến ngày» phải sau «Nhiệm kỳ từ ngày»."))


def term_of_congress(attrs, run):
    """The term a congress opened: the cell's term of that name (sheet «Nhiệm kỳ»)."""
    name = attrs.pop("term", "") or ""
    attrs["term_id"] = None
    if name:
        pk = run.refs.get("term", f"{attrs['cell_id']}:{name}")
        if pk is None:
            raise Invalid(_("Chi bộ chưa có nhiệm kỳ «%(t)s» (trang Nhiệm kỳ).") % {"t": name})
        attrs["term_id"] = pk


def export_congresses(ctx):
    qs = CellCongress.objects.filter(
        plan__organization_id__in=list(ctx.org_code), cell_id__in=list(ctx.org_code)
    ).select_related("term")
    for c in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "ref_code": f"DH{c.pk}",
            "plan": f"KH{c.plan_id}",
            "cell": ctx.org(c.cell_id),
            "deadline": c.deadline,
            "drafted_on": c.drafted_on,
            "opinion_on": c.opinion_on,
            "personnel_on": c.personnel_on,
            "scheduled_on": c.scheduled_on,
            "held_on": c.held_on,
            "term": c.term.name if c.term_id else "",
        }


# --- annual ratings: the set by its document (else the one in force on 31/12 of the year), a
# level by its name or code in that set --------------------------------------------------------


def _rating_sets(run):
    sets = run.state.get("rating_sets")
    if sets is None:
        from chibo.ratings.models import RatingLevel, RatingSet

        sets = run.state["rating_sets"] = list(
            RatingSet.objects.values_list("pk", "reference", "valid_from", "valid_to")
        )
        levels = run.state["rating_levels"] = {}
        for pk, set_id, code, name in RatingLevel.objects.values_list(
            "pk", "rating_set_id", "code", "name"
        ):
            levels[(set_id, code.casefold())] = pk
            levels[(set_id, name.casefold())] = pk
    return sets


def rating_prepare(*level_attrs):
    def prepare(attrs, run):
        from chibo.ratings.models import year_end

        sets = _rating_sets(run)
        reference = attrs.pop("rating_set", "") or ""
        day = year_end(attrs["year"])
        in_force = [s for s in sets if s[2] <= day and (s[3] is None or day < s[3])]
        found = [s for s in (sets if reference else in_force) if not reference or s[1] == reference]
        if len(found) > 1:
            found = [s for s in found if s in in_force] or found
        if not found:
            raise Invalid(
                _("Không có bộ tiêu chuẩn xếp loại «%(r)s» cho năm %(y)s.")
                % {"r": reference or "—", "y": attrs["year"]}
            )
        set_id = attrs["rating_set_id"] = found[0][0]
        for name in level_attrs:
            label = attrs.pop(name, "") or ""
            attrs[name + "_id"] = None
            if not label:
                continue
            pk = run.state["rating_levels"].get((set_id, label.casefold()))
            if pk is None:
                raise Invalid(_("Bộ tiêu chuẩn không có mức xếp loại «%(l)s».") % {"l": label})
            attrs[name + "_id"] = pk

    return prepare


def _rating_names():
    from chibo.ratings.models import RatingLevel, RatingSet

    return (
        dict(RatingSet.objects.values_list("pk", "reference")),
        dict(RatingLevel.objects.values_list("pk", "name")),
    )


def export_cell_ratings(ctx):
    from chibo.ratings.models import CellRating

    sets, levels = _rating_names()
    qs = CellRating.objects.filter(cell_id__in=list(ctx.org_code))
    for r in qs.order_by("id").iterator(chunk_size=5000):
        yield {
            "cell": ctx.org(r.cell_id),
            "year": r.year,
            "rating_set": sets[r.rating_set_id],
            "points": r.points,
            "proposed_level": levels[r.proposed_level_id],
            "self_rated_on": r.self_rated_on,
            "decided_level": levels.get(r.decided_level_id, ""),
            "decision_number": r.decision_number,
            "decision_date": r.decision_date,
        }


def export_member_ratings(ctx):
    """Read as values: a district has some 50.000 ratings, a model instance each cost a third of
    the sheet's time."""
    from chibo.ratings.models import MemberRating

    sets, levels = _rating_names()
    member, org, level = ctx.member_ref.get, ctx.org_code.get, levels.get
    qs = MemberRating.objects.filter(
        member_id__in=list(ctx.member_ref), cell_id__in=list(ctx.org_code)
    ).order_by("id")
    for member_id, cell_id, year, set_id, self_id, proposed_id, decided_id, number, day in (
        qs.values_list(
            "member_id", "cell_id", "year", "rating_set_id", "self_level_id",
            "proposed_level_id", "decided_level_id", "decision_number", "decision_date",
        ).iterator(chunk_size=10000)
    ):  # fmt: skip
        yield {
            "member": member(member_id, ""),
            "cell": org(cell_id, ""),
            "year": year,
            "rating_set": sets[set_id],
            "self_level": levels[self_id],
            "proposed_level": level(proposed_id, ""),
            "decided_level": level(decided_id, ""),
            "decision_number": number,
            "decision_date": day,
        }


NEVER = datetime.date.max


def membership_prepare(attrs, run):
    """A member is in one cell at a time: the file's periods of a member do not overlap (each
    from its day to the day before its end; an open one has no end)."""
    start, end = attrs["start"], attrs.get("end")
    if end is not None and end <= start:
        raise Invalid(_("«Đến ngày» phải sau «Từ ngày»."))
    seen = run.state.setdefault("membership_periods", {}).setdefault(attrs["member_id"], [])
    if attrs["member_id"] != PENDING:
        for number, other_start, other_end in seen:
            if start < (other_end or NEVER) and other_start < (end or NEVER):
                raise Invalid(
                    _(
                        "Trùng thời gian với dòng %(n)s: một đảng viên chỉ sinh hoạt ở một chi bộ "
                        "một lúc (quá trình trước phải có «Đến ngày» không muộn hơn «Từ ngày» của "
                        "quá trình sau)."
                    )
                    % {"n": number}
                )
    seen.append((run.row_number, start, end))
