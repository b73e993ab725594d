"""Writes to communes and villages, to the dated links between villages and the cells that
serve them, between villages and the communes they lie in, and between communes and the commune
committees that lead them. Each runs in a transaction, takes the acting user and audits.

Village.cell repeats the open link's cell (None without one) for the pages about now; only the
services here write it. Which cell served a village on a date is read from VillageCellLink.
Likewise Village.commune repeats the open (else the last) VillageCommuneLink's commune, and
Commune.party_committee the open CommuneCommitteeLink's committee; which commune a village lay
in, and which committee led a commune, on a date is read from the links.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row, end_dated_rows
from chibo.core.models import AuditEvent

from .models import (
    Commune,
    CommuneCommitteeLink,
    Organization,
    Village,
    VillageCellLink,
    VillageCommuneLink,
)

VILLAGE_FIELDS = [
    "code",
    "name",
    "kind",
    "commune",
    "cell",
    "especially_disadvantaged",
    "households",
    "valid_from",
    "valid_to",
]
COMMUNE_FIELDS = ["code", "name", "kind", "party_committee", "valid_from", "valid_to"]


def _day(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _lock_village(village: Village) -> Village:
    return Village.objects.select_for_update().get(pk=village.pk)


def _check_serving_cell(cell: Organization, on: datetime.date) -> Organization:
    cell = Organization.objects.get(pk=cell.pk)  # as it is now, not as the caller last read it
    if cell.kind != Organization.Kind.CELL or cell.cell_type != Organization.CellType.RESIDENTIAL:
        raise ValidationError({"cell": _("Chỉ chi bộ thôn, bản, tiểu khu phụ trách thôn, bản.")})
    if cell.valid_from > on or (cell.valid_to is not None and cell.valid_to <= on):
        raise ValidationError(
            {
                "cell": _("%(cell)s không có hiệu lực vào ngày %(d)s.")
                % {"cell": cell, "d": _day(on)}
            }
        )
    return cell


def _check_open_village(village: Village, on: datetime.date):
    if village.valid_to is not None:
        raise ValidationError(_("%(v)s đã hết hiệu lực.") % {"v": village})
    if on < village.valid_from:
        raise ValidationError(
            {"on": _("Ngày phải từ ngày %(d)s trở đi.") % {"d": _day(village.valid_from)}}
        )


def _end_link(links, on: datetime.date, actor, too_early: str):
    """End the open one of the dated `links` on `on` (its last day is the day before); None if
    none is open. A day not after its start is refused with `too_early` (%(d)s: the start)."""
    link = links.select_for_update().filter(end__isnull=True).first()
    if link is None:
        return None
    if on <= link.start:
        raise ValidationError({"on": too_early % {"d": _day(link.start)}})
    return end_dated_row(row=link, on=on, actor=actor, error_field="on")


def _end_open_link(village: Village, on: datetime.date, actor) -> VillageCellLink | None:
    """End the village's open link on `on` (the last day it served is the day before)."""
    return _end_link(
        VillageCellLink.objects.filter(village=village),
        on,
        actor,
        _("Ngày thay đổi phải sau ngày %(d)s (chi bộ hiện phụ trách từ ngày đó)."),
    )


def _check_no_later(links, on: datetime.date, message: str):
    """Once the open one of the dated `links` has ended, none may still run on or after `on`
    (`message`, %(d)s: `on`)."""
    if links.filter(Q(end__isnull=True) | Q(end__gt=on)).exists():
        raise ValidationError({"on": message % {"d": _day(on)}})


def _check_no_later_link(village: Village, on: datetime.date):
    _check_no_later(
        VillageCellLink.objects.filter(village=village),
        on,
        _("Thôn, bản đã có chi bộ phụ trách sau ngày %(d)s."),
    )


def _end_commune_of_village(village: Village, on: datetime.date, actor):
    """End the village's open link to its commune on `on` (its last day there is the day
    before), and refuse if a later link runs on or after `on`."""
    links = VillageCommuneLink.objects.filter(village=village)
    link = _end_link(
        links,
        on,
        actor,
        _("Ngày thay đổi phải sau ngày %(d)s (thôn, bản thuộc xã hiện nay từ ngày đó)."),
    )
    _check_no_later(links, on, _("Thôn, bản đã thuộc một xã khác sau ngày %(d)s."))
    return link


def _open_link(village: Village, cell: Organization, on: datetime.date) -> VillageCellLink:
    _check_no_later_link(village, on)
    return VillageCellLink.objects.create(village=village, cell=cell, start=on)


@transaction.atomic
def village_link_cell(
    *, village: Village, cell: Organization, on: datetime.date, actor
) -> VillageCellLink:
    """From `on`, `cell` serves `village`: the open link ends on `on` and a new one opens."""
    village = _lock_village(village)
    _check_open_village(village, on)
    cell = _check_serving_cell(cell, on)
    old = village.cell_id
    if old == cell.pk:
        raise ValidationError({"cell": _("Chi bộ này đang phụ trách thôn, bản.")})
    _end_open_link(village, on, actor)
    link = _open_link(village, cell, on)
    village.cell = cell
    village.save(update_fields=["cell", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=village,
        changes={"cell": [old, cell.pk], "on": [None, on.isoformat()]},
        note=_("Chi bộ phụ trách từ ngày %(d)s") % {"d": _day(on)},
    )
    return link


@transaction.atomic
def village_unlink(*, village: Village, on: datetime.date, actor) -> VillageCellLink:
    """From `on`, no cell serves `village` (its open link ends on `on`)."""
    village = _lock_village(village)
    link = _end_open_link(village, on, actor)
    if link is None:
        raise ValidationError(_("Thôn, bản chưa có chi bộ phụ trách."))
    old = village.cell_id
    village.cell = None
    village.save(update_fields=["cell", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=village,
        changes={"cell": [old, None], "on": [None, on.isoformat()]},
        note=_("Thôi phụ trách từ ngày %(d)s") % {"d": _day(on)},
    )
    return link


@transaction.atomic
def village_create(
    *,
    code: str,
    name: str,
    kind: str,
    commune: Commune,
    cell: Organization | None,
    valid_from: datetime.date,
    actor,
    especially_disadvantaged: bool = False,
    households: int | None = None,
) -> Village:
    """A new village of `commune` from `valid_from`, served by `cell` from that day (if any)."""
    code, name = code.strip(), " ".join(name.split())
    if Village.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Mã %(code)s đã được dùng.") % {"code": code}})
    if commune.valid_to is not None:
        raise ValidationError({"commune": _("%(c)s đã hết hiệu lực.") % {"c": commune}})
    if valid_from < commune.valid_from:
        raise ValidationError(
            {"valid_from": _("Xã có hiệu lực từ ngày %(d)s.") % {"d": _day(commune.valid_from)}}
        )
    if cell is not None:
        cell = _check_serving_cell(cell, valid_from)
    village = Village(
        code=code,
        name=name,
        kind=kind,
        commune=commune,
        cell=cell,
        especially_disadvantaged=especially_disadvantaged,
        households=households,
        valid_from=valid_from,
    )
    # The code was checked above, the commune and the cell (read again) too: full_clean would
    # ask the database again, one query each. The database keeps them all the same.
    village.full_clean(exclude=["commune", "cell"], validate_unique=False)
    village.save()
    VillageCommuneLink.objects.create(village=village, commune=commune, start=valid_from)
    if cell is not None:
        VillageCellLink.objects.create(village=village, cell=cell, start=valid_from)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=village,
        changes=audit.snapshot(village, VILLAGE_FIELDS),
    )
    return village


@transaction.atomic
def village_rename(*, village: Village, name: str, on: datetime.date, actor) -> Village:
    """The village's name from `on`. The old name stays in the audit event; no page asks for a
    village's name as of a date (an organization's, OrganizationPeriod keeps)."""
    village = _lock_village(village)
    name = " ".join(name.split())
    old = village.name
    if not name or name == old:
        raise ValidationError({"name": _("Tên mới phải khác tên cũ.")})
    _check_open_village(village, on)
    village.name = name
    village.save(update_fields=["name", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=village,
        changes={"name": [old, name], "on": [None, on.isoformat()]},
        note=_("Đổi tên từ ngày %(d)s") % {"d": _day(on)},
    )
    return village


# What the apps built on this one hold at a village ends when it closes (the committees' village
# posts): each registers, when Django starts, a function(*, village, on, actor) that the closing
# service calls in its transaction, and that ends what it holds or refuses (ValidationError).
_ON_VILLAGE_CLOSE: list = []


def on_village_close(func):
    """Register `func(*, village, on, actor)`, run when a village closes on `on`."""
    if func not in _ON_VILLAGE_CLOSE:
        _ON_VILLAGE_CLOSE.append(func)
    return func


@transaction.atomic
def village_merge(*, source: Village, into: Village, on: datetime.date, actor) -> Village:
    """`source` joins `into` on `on`: `source` closes (valid_to = `on`), its links to a cell and
    to its commune end and its posts in force end that day. Nothing is deleted; `into` keeps its
    own cell. Village.commune keeps the commune `source` lay in last."""
    if source.pk == into.pk:
        raise ValidationError({"into": _("Hãy chọn một thôn, bản khác.")})
    source, into = _lock_village(source), _lock_village(into)
    _check_open_village(source, on)
    _check_open_village(into, on)
    if source.commune_id != into.commune_id:
        raise ValidationError({"into": _("Hai thôn, bản phải cùng một xã.")})
    if on <= source.valid_from:
        raise ValidationError(
            {"on": _("Ngày sáp nhập phải sau ngày %(d)s.") % {"d": _day(source.valid_from)}}
        )
    old_cell = source.cell_id
    _end_open_link(source, on, actor)
    _check_no_later_link(source, on)
    _end_commune_of_village(source, on, actor)
    for end_held in _ON_VILLAGE_CLOSE:
        end_held(village=source, on=on, actor=actor)
    source.valid_to = on
    source.cell = None
    source.save(update_fields=["valid_to", "cell", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=source,
        changes={
            "valid_to": [None, on.isoformat()],
            "cell": [old_cell, None],
            "into": [None, into.pk],
        },
        note=_("Sáp nhập vào %(v)s từ ngày %(d)s") % {"v": into, "d": _day(on)},
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=into,
        changes={"merged": [None, source.pk]},
        note=_("Nhận sáp nhập %(v)s từ ngày %(d)s") % {"v": source, "d": _day(on)},
    )
    return into


@transaction.atomic
def village_set_disadvantaged(*, village: Village, value: bool, actor) -> Village:
    """Mark the village especially disadvantaged (bản đặc biệt khó khăn) or not."""
    village = _lock_village(village)
    old = village.especially_disadvantaged
    if old != value:
        village.especially_disadvantaged = value
        village.save(update_fields=["especially_disadvantaged", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=village,
            changes={"especially_disadvantaged": [old, value]},
        )
    return village


@transaction.atomic
def village_set_households(*, village: Village, households: int | None, actor) -> Village:
    village = _lock_village(village)
    old = village.households
    if households is not None and households < 0:
        raise ValidationError({"households": _("Số hộ không hợp lệ.")})
    if old != households:
        village.households = households
        village.save(update_fields=["households", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=village,
            changes={"households": [old, households]},
        )
    return village


# --- communes -----------------------------------------------------------------------------------


def _check_committee(committee: Organization | None):
    if committee is not None and (
        committee.kind != Organization.Kind.GRASSROOTS or committee.valid_to is not None
    ):
        raise ValidationError(
            {"party_committee": _("Hãy chọn một tổ chức cơ sở đảng đang hoạt động.")}
        )


@transaction.atomic
def commune_create(
    *,
    code: str,
    name: str,
    kind: str,
    valid_from: datetime.date,
    actor,
    party_committee: Organization | None = None,
) -> Commune:
    code, name = code.strip(), " ".join(name.split())
    if Commune.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Mã %(code)s đã được dùng.") % {"code": code}})
    _check_committee(party_committee)
    commune = Commune(
        code=code, name=name, kind=kind, party_committee=party_committee, valid_from=valid_from
    )
    # The code and the committee were checked above: full_clean would ask the database again.
    commune.full_clean(exclude=["party_committee"], validate_unique=False)
    commune.save()
    if party_committee is not None:
        CommuneCommitteeLink.objects.create(
            commune=commune,
            committee=party_committee,
            start=max(valid_from, party_committee.valid_from),
        )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=commune,
        changes=audit.snapshot(commune, COMMUNE_FIELDS),
    )
    return commune


@transaction.atomic
def commune_rename(*, commune: Commune, name: str, on: datetime.date, actor) -> Commune:
    """The commune's name from `on`; the old name stays in the audit event."""
    commune = Commune.objects.select_for_update().get(pk=commune.pk)
    name = " ".join(name.split())
    old = commune.name
    if not name or name == old:
        raise ValidationError({"name": _("Tên mới phải khác tên cũ.")})
    if commune.valid_to is not None:
        raise ValidationError(_("%(c)s đã hết hiệu lực.") % {"c": commune})
    commune.name = name
    commune.save(update_fields=["name", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=commune,
        changes={"name": [old, name], "on": [None, on.isoformat()]},
        note=_("Đổi tên từ ngày %(d)s") % {"d": _day(on)},
    )
    return commune


def _end_commune_link(commune: Commune, on: datetime.date, actor) -> CommuneCommitteeLink | None:
    """End the commune's open committee link on `on` (the committee's last day is the day
    before); None if it had none."""
    return _end_link(
        CommuneCommitteeLink.objects.filter(commune=commune),
        on,
        actor,
        _("Ngày thay đổi phải sau ngày %(d)s (đảng bộ hiện lãnh đạo từ ngày đó)."),
    )


@transaction.atomic
def commune_set_party_committee(
    *, commune: Commune, party_committee: Organization | None, on: datetime.date, actor
) -> CommuneCommitteeLink | None:
    """From `on`, `party_committee` (a commune Party committee, Đảng bộ xã) leads the commune,
    or none if it is None: the open link ends on `on` and a new one opens. Returns the new
    link (None when none opens). The days before keep the committee that led them."""
    commune = Commune.objects.select_for_update().get(pk=commune.pk)
    _check_committee(party_committee)
    if commune.valid_to is not None:
        raise ValidationError(_("%(c)s đã hết hiệu lực.") % {"c": commune})
    if on < commune.valid_from:
        raise ValidationError(
            {"on": _("Ngày phải từ ngày %(d)s trở đi.") % {"d": _day(commune.valid_from)}}
        )
    old = commune.party_committee_id
    new = party_committee.pk if party_committee else None
    if old == new:
        raise ValidationError({"party_committee": _("Đảng bộ này đang lãnh đạo xã.")})
    if party_committee is not None and party_committee.valid_from > on:
        raise ValidationError(
            {
                "on": _("%(o)s có hiệu lực từ ngày %(d)s.")
                % {"o": party_committee, "d": _day(party_committee.valid_from)}
            }
        )
    _end_commune_link(commune, on, actor)
    _check_no_later(
        CommuneCommitteeLink.objects.filter(commune=commune),
        on,
        _("Xã đã có đảng bộ lãnh đạo sau ngày %(d)s."),
    )
    link = None
    if party_committee is not None:
        link = CommuneCommitteeLink.objects.create(
            commune=commune, committee=party_committee, start=on
        )
    commune.party_committee = party_committee
    commune.save(update_fields=["party_committee", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=commune,
        changes={"party_committee": [old, new], "on": [None, on.isoformat()]},
        note=_("Đảng bộ lãnh đạo từ ngày %(d)s") % {"d": _day(on)},
    )
    return link


@transaction.atomic
def commune_merge(*, source: Commune, into: Commune, on: datetime.date, actor) -> int:
    """`source` joins `into` on `on` (the 2025 reorganization): `source` closes and its open
    villages belong to `into` from then on: each one's link to `source` ends on `on` and a link
    to `into` opens, Village.commune follows. Their cell links do not change, so the figures of
    any date before stay (docs/decisions/0005-dated-village-links.md, 0019). Refuses a day on
    or before a moving village's last link's start. Returns the number of villages moved."""
    if source.pk == into.pk:
        raise ValidationError({"into": _("Hãy chọn một xã khác.")})
    source = Commune.objects.select_for_update().get(pk=source.pk)
    into = Commune.objects.select_for_update().get(pk=into.pk)
    for c in (source, into):
        if c.valid_to is not None:
            raise ValidationError(_("%(c)s đã hết hiệu lực.") % {"c": c})
    if on <= source.valid_from or on < into.valid_from:
        raise ValidationError({"on": _("Ngày sáp nhập phải sau ngày hai xã có hiệu lực.")})
    moving = list(Village.objects.select_for_update().filter(commune=source, valid_to__isnull=True))
    # The villages move together: their open links to `source` end (the checks of
    # _end_commune_of_village, village by village), the links to `into` open, one audit event
    # a village; a number of queries that does not grow with the villages.
    links = VillageCommuneLink.objects.filter(village__in=moving)
    open_links = {}
    for link in links.select_for_update().filter(end__isnull=True).order_by("-start", "-id"):
        open_links[link.village_id] = link  # the first by start, as .first() reads it
    ending = []
    for village in moving:
        link = open_links.get(village.pk)
        if link is None:
            continue
        if on <= link.start:
            raise ValidationError(
                {
                    "on": _(
                        "Ngày thay đổi phải sau ngày %(d)s (thôn, bản thuộc xã hiện nay "
                        "từ ngày đó)."
                    )
                    % {"d": _day(link.start)}
                }
            )
        ending.append(link)
    end_dated_rows(rows=ending, on=on, actor=actor, error_field="on")
    if links.filter(Q(end__isnull=True) | Q(end__gt=on)).exists():
        raise ValidationError(
            {"on": _("Thôn, bản đã thuộc một xã khác sau ngày %(d)s.") % {"d": _day(on)}}
        )
    VillageCommuneLink.objects.bulk_create(
        [VillageCommuneLink(village=village, commune=into, start=on) for village in moving]
    )
    now = timezone.now()
    for village in moving:
        village.commune, village.updated_at = into, now
    Village.objects.filter(pk__in=[v.pk for v in moving]).update(commune=into, updated_at=now)
    audit.record_many(
        [
            audit.event(
                actor=actor,
                action=AuditEvent.Action.RESTRUCTURE,
                obj=village,
                changes={"commune": [source.pk, into.pk], "on": [None, on.isoformat()]},
                note=_("Xã sáp nhập từ ngày %(d)s") % {"d": _day(on)},
            )
            for village in moving
        ]
    )
    _end_commune_link(source, on, actor)
    committee = source.party_committee_id
    source.valid_to = on
    source.party_committee = None  # the mirror of an open link: it has none from `on`
    source.save(update_fields=["valid_to", "party_committee", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.RESTRUCTURE,
        obj=source,
        changes={
            "valid_to": [None, on.isoformat()],
            "into": [None, into.pk],
            "party_committee": [committee, None],
        },
        note=_("Sáp nhập vào %(c)s từ ngày %(d)s") % {"c": into, "d": _day(on)},
    )
    return len(moving)
