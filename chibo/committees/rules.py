"""The committee rules applied to data: pure functions over counts, positions and posts.

No queries here. Selectors fetch in bulk and hand the rows in; services call the same checks
before they write, so a page flags exactly what a write would refuse.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chibo.core import vn
from chibo.members.models import THEORY_RANK

from .models import CommitteeRule, Title

# Display order of titles on every page and export.
TITLE_ORDER = {
    Title.SECRETARY: 0,
    Title.DEPUTY_SECRETARY: 1,
    Title.STANDING_MEMBER: 2,
    Title.COMMITTEE_MEMBER: 3,
}
# A cell committee has no standing committee (QĐ 294: chi ủy, bí thư, phó bí thư).
CELL_TITLES = (Title.SECRETARY, Title.DEPUTY_SECRETARY, Title.COMMITTEE_MEMBER)
# Titles held by one person at a time in an organization.
SINGLE_SEAT_TITLES = (Title.SECRETARY,)


class Flag(models.TextChoices):
    NO_COMMITTEE = "no_committee", gettext_lazy("Đủ số đảng viên chính thức nhưng chưa có chi ủy")
    COMMITTEE_TOO_LARGE = "committee_too_large", gettext_lazy("Chi ủy đông hơn quy định")
    TOO_MANY_DEPUTIES = "too_many_deputies", gettext_lazy("Nhiều phó bí thư hơn quy định")
    NO_SECRETARY = "no_secretary", gettext_lazy("Chưa có bí thư")
    PROBATIONARY_IN_POSITION = (
        "probationary_in_position",
        gettext_lazy("Đảng viên dự bị giữ chức danh"),
    )
    HOLDER_NOT_IN_CELL = (
        "holder_not_in_cell",
        gettext_lazy("Người giữ chức danh không còn sinh hoạt ở chi bộ"),
    )
    TOO_FEW_OFFICIAL = "too_few_official", gettext_lazy("Chưa đủ số đảng viên chính thức tối thiểu")


@dataclass(frozen=True)
class FlagItem:
    code: str
    message: str

    @property
    def label(self):
        return Flag(self.code).label


def sort_positions(positions):
    return sorted(positions, key=lambda p: (TITLE_ORDER.get(p.title, 9), p.start, p.pk or 0))


def elects_committee(rule: CommitteeRule, official: int) -> bool:
    return official >= rule.committee_threshold


def allowed_size(rule: CommitteeRule, official: int) -> int:
    """Seats a cell with `official` official members may fill under `rule`."""
    if elects_committee(rule, official):
        return rule.max_committee_size
    return 1 + rule.max_deputies


def has_committee(rule: CommitteeRule, seats: int) -> bool:
    return seats >= rule.min_committee_size


def lacks_committee(rule: CommitteeRule, *, official: int, seats: int) -> bool:
    """Flag.NO_COMMITTEE: with `official` official members a cell must elect a committee under
    `rule`, and its `seats` positions in force are fewer than one. A smaller cell elects only a
    secretary (and a deputy), so it lacks nothing."""
    return elects_committee(rule, official) and not has_committee(rule, seats)


def flag_codes(
    rule: CommitteeRule,
    *,
    official: int,
    seats: int,
    deputies: int,
    secretaries: int,
    probationary: int,
    gone: int,
) -> list[str]:
    """The flags `rule` raises for one cell, in the order of cell_flags, from its counts: official
    members, positions in force, deputy secretaries and secretaries among them, those held by a
    probationary member, those whose holder has no membership open in the cell."""
    codes = []
    if official < rule.min_official_members:
        codes.append(Flag.TOO_FEW_OFFICIAL)
    if lacks_committee(rule, official=official, seats=seats):
        codes.append(Flag.NO_COMMITTEE)
    if seats > allowed_size(rule, official):
        codes.append(Flag.COMMITTEE_TOO_LARGE)
    if deputies > rule.max_deputies:
        codes.append(Flag.TOO_MANY_DEPUTIES)
    if not secretaries:
        codes.append(Flag.NO_SECRETARY)
    if probationary:
        codes.append(Flag.PROBATIONARY_IN_POSITION)
    if gone:
        codes.append(Flag.HOLDER_NOT_IN_CELL)
    return codes


def _held(positions) -> str:
    return ", ".join(f"{p.member.full_name} ({p.get_title_display()})" for p in positions)


def cell_flags(
    *,
    rule: CommitteeRule,
    on: datetime.date,
    official: int,
    positions,
    holders_in_cell: set[int],
) -> list[FlagItem]:
    """What breaks `rule` in one cell on `on`, each flag with its message.

    `positions`: the cell's positions in force on `on`, each with its member loaded;
    `official`: the cell's official members on `on`; `holders_in_cell`: ids of the holders
    with a membership open in this cell on `on`.
    """
    seats = len(positions)
    deputies = [p for p in positions if p.title == Title.DEPUTY_SECRETARY]
    probationary = [p for p in positions if not p.member.is_official(on)]
    gone = [p for p in positions if p.member_id not in holders_in_cell]
    codes = flag_codes(
        rule,
        official=official,
        seats=seats,
        deputies=len(deputies),
        secretaries=sum(1 for p in positions if p.title == Title.SECRETARY),
        probationary=len(probationary),
        gone=len(gone),
    )
    if not codes:
        return []
    source = rule.source
    flags = []
    for code in codes:
        if code == Flag.TOO_FEW_OFFICIAL:
            text = _("%(n)s đảng viên chính thức, cần ít nhất %(min)s (%(src)s).") % {
                "n": official,
                "min": rule.min_official_members,
                "src": source,
            }
        elif code == Flag.NO_COMMITTEE:
            text = _(
                "%(n)s đảng viên chính thức (từ %(t)s phải bầu chi ủy, %(src)s) nhưng chỉ "
                "có %(s)s người giữ chức danh."
            ) % {"n": official, "t": rule.committee_threshold, "src": source, "s": seats}
        elif code == Flag.COMMITTEE_TOO_LARGE and elects_committee(rule, official):
            text = _("%(s)s người, chi ủy tối đa %(max)s người (%(src)s).") % {
                "s": seats,
                "max": allowed_size(rule, official),
                "src": source,
            }
        elif code == Flag.COMMITTEE_TOO_LARGE:
            text = _(
                "%(s)s người giữ chức danh; chi bộ có %(n)s đảng viên chính thức (dưới %(t)s) chỉ "
                "có bí thư và tối đa %(d)s phó bí thư (%(src)s)."
            ) % {
                "s": seats,
                "n": official,
                "t": rule.committee_threshold,
                "d": rule.max_deputies,
                "src": source,
            }
        elif code == Flag.TOO_MANY_DEPUTIES:
            text = _("%(n)s phó bí thư, tối đa %(max)s (%(src)s).") % {
                "n": len(deputies),
                "max": rule.max_deputies,
                "src": source,
            }
        elif code == Flag.NO_SECRETARY:
            text = _("Không có ai giữ chức bí thư.")
        elif code == Flag.PROBATIONARY_IN_POSITION:
            text = _held(probationary)
        else:
            text = _held(gone)
        flags.append(FlagItem(code, text))
    return flags


def max_in_force(intervals, start: datetime.date, end: datetime.date | None) -> int:
    """The most intervals [s, e) (e None = open) in force on one day within [start, end)."""
    candidates = {start} | {s for s, _e in intervals if s > start and (end is None or s < end)}
    best = 0
    for day in candidates:
        n = sum(1 for s, e in intervals if s <= day and (e is None or e > day))
        best = max(best, n)
    return best


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """[a_start, a_end) and [b_start, b_end) share a day; None ends are open."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


# --- qualification ----------------------------------------------------------------------------


def theory_rank(level: str) -> int:
    return THEORY_RANK.get(level, 0)


def levels_below(min_level: str) -> list[str]:
    """Theory levels ranked below `min_level` (none when no minimum is set)."""
    if not min_level:
        return []
    floor = theory_rank(min_level)
    return [level for level, rank in THEORY_RANK.items() if rank < floor]


_GRADE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})")


def education_grade(text: str) -> int | None:
    """'12/12' -> 12, '9/12' -> 9; None when the text gives no grade."""
    m = _GRADE.match(text or "")
    return int(m.group(1)) if m else None


def meets_standard(member, standard) -> tuple[bool, str]:
    """Whether `member` meets a QualificationStandard, and the reason when not."""
    if standard is None:
        return True, ""
    reasons = []
    if standard.min_theory_level and theory_rank(member.theory_level) < theory_rank(
        standard.min_theory_level
    ):
        reasons.append(
            _("lý luận %(has)s, cần %(need)s")
            % {
                "has": member.get_theory_level_display(),
                "need": standard.get_min_theory_level_display(),
            }
        )
    if standard.min_education:
        need = education_grade(standard.min_education)
        has = education_grade(member.education)
        if need is not None and (has is None or has < need):
            reasons.append(
                _("học vấn %(has)s, cần %(need)s")
                % {"has": member.education or "—", "need": standard.min_education}
            )
    return not reasons, "; ".join(reasons)


# --- role models ------------------------------------------------------------------------------


class Compliance(models.TextChoices):
    OK = "ok", gettext_lazy("Đúng mô hình")
    MISMATCH = "mismatch", gettext_lazy("Khác người")
    VACANT = "vacant", gettext_lazy("Chưa có người giữ")


@dataclass(frozen=True)
class RuleCheck:
    rule: object  # RoleModelRule
    status: str
    detail: str

    @property
    def ok(self):
        return self.status == Compliance.OK

    @property
    def label(self):
        return Compliance(self.status).label

    @property
    def text(self) -> str:
        """'Bí thư = Trưởng thôn, bản, tiểu khu'"""
        first = (
            Title(self.rule.title).label if self.rule.title else self.rule.get_paired_kind_display()
        )
        return f"{first} = {self.rule.get_kind_display()}"


def _identity(member_id, name):
    """Who holds a post: the member, or the folded name of a non-member."""
    return ("m", member_id) if member_id else ("n", vn.fold(name))


def check_role_rule(rule, positions_by_title: dict, roles_by_kind: dict) -> RuleCheck:
    """One pairing of a role model in one village.

    `positions_by_title`: title -> positions in force in the village's cell;
    `roles_by_kind`: kind -> ConcurrentRoles in force in the village.
    """
    if rule.title:
        first = positions_by_title.get(rule.title, [])
        first_ids = {_identity(p.member_id, "") for p in first}
        first_names = [p.member.full_name for p in first]
        first_label = Title(rule.title).label
    else:
        first = roles_by_kind.get(rule.paired_kind, [])
        first_ids = {_identity(r.member_id, r.person_name) for r in first}
        first_names = [r.holder_name for r in first]
        first_label = rule.get_paired_kind_display()
    second = roles_by_kind.get(rule.kind, [])
    second_ids = {_identity(r.member_id, r.person_name) for r in second}
    second_names = [r.holder_name for r in second]
    if not first or not second:
        missing = first_label if not first else rule.get_kind_display()
        return RuleCheck(rule, Compliance.VACANT, _("Chưa có %(post)s.") % {"post": missing})
    if first_ids & second_ids:
        return RuleCheck(rule, Compliance.OK, ", ".join(sorted(set(first_names))))
    return RuleCheck(
        rule,
        Compliance.MISMATCH,
        _("%(a)s: %(an)s; %(b)s: %(bn)s")
        % {
            "a": first_label,
            "an": ", ".join(first_names),
            "b": rule.get_kind_display(),
            "bn": ", ".join(second_names),
        },
    )
