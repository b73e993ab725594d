"""The 2025 reorganization in the demo (issue 13, part 3): on 01/07/2025 the district committee
of Mai Sơn ends (its last day 30/06/2025) and its 22 commune committees merge into 9 new commune
committees directly under the provincial committee, as in Sơn La; the 22 administrative communes
merge that day into 9 new ones, each led by its new commune committee (commune_merge: each
village's dated link to its old commune ends on 30/06/2025, so the days before read it there).

It runs through the reorganization tool (chibo.reorg.services, ADR 0017) once the demo's rows
are written, in the tool's order: the commune committees first (each new one takes its
sources' cells, agency cells, seats, leaders, officials, roles and communes; the seat held in
several sources goes to the holder of the largest source), then the district into the province
(its other grassroots organizations and the org board's roles pass to the province; its
committee's seats end). The cells themselves go on: their meetings, tasks and members after
01/07/2025 are those of the new communes, whose figures are those of their cells.

Before the communes, the same day, a dozen small bản merge into a neighbour (mergers.py), each
with its cell: `village_merge` closes the bản (its links to its cell and its commune, and its
posts, end on 30/06/2025), then the tool merges its cell into the neighbour's (its members,
seats, roles and officials' assignments move; the neighbour's secretary and deputy keep their
seats; the cell closes). The plan already drew the months after that day on the merged roll
(later.py, meetings_plan.py).

The mapping (docs/decisions/0019-demo-reorganization.md): "xã Mai Sơn" is the real name of the
commune formed around Hát Lót; the other names are those of the largest source, and the
groupings are plausible, not Sơn La's resolution.
"""

import datetime

from django.utils import timezone

from chibo.accounts.models import User
from chibo.committees.models import CommuneLeader, Position
from chibo.core import indicators
from chibo.members.models import Membership
from chibo.organizations import services_villages as places
from chibo.organizations.models import Commune, Organization, Village
from chibo.reorg import selectors
from chibo.reorg import services as reorg
from chibo.reorg.models import Reorganization
from chibo.reorg.selectors import SINGLE_CELL_TITLES

from . import data as d
from .mergers import ON, VillageMerger

# When the org board applied the plans: the morning of their day, as it would through the tool.
APPLIED_AT = datetime.time(8, 0)
DECISION = "Quyết định số 1150-QĐ/TU ngày 30/06/2025 (mẫu)"
# The district committee's decision merging the cells of the bản merged that day.
CELLS_DECISION = "Quyết định số 1149-QĐ/HU ngày 27/06/2025 (mẫu)"
# (code, name of the new commune committee, the old communes' names, the first the largest)
NEW_COMMUNES = (
    ("SL-X01", "Đảng bộ xã Mai Sơn", ("Hát Lót town", "Hát Lót", "Chiềng Sung")),
    ("SL-X02", "Đảng bộ xã Chiềng Mung", ("Chiềng Mung", "Chiềng Ban")),
    ("SL-X03", "Đảng bộ xã Chiềng Mai", ("Chiềng Mai", "Chiềng Kheo", "Chiềng Dong", "Chiềng Ve")),
    ("SL-X04", "Đảng bộ xã Cò Nòi", ("Cò Nòi", "Nà Ớt")),
    ("SL-X05", "Đảng bộ xã Phiêng Pằn", ("Chiềng Lương", "Phiêng Pằn")),
    ("SL-X06", "Đảng bộ xã Tà Hộc", ("Chiềng Chăn", "Tà Hộc")),
    ("SL-X07", "Đảng bộ xã Mường Chanh", ("Chiềng Chung", "Mường Chanh")),
    ("SL-X08", "Đảng bộ xã Nà Bó", ("Nà Bó", "Mường Bon", "Mường Bằng")),
    ("SL-X09", "Đảng bộ xã Phiêng Cằm", ("Phiêng Cằm", "Chiềng Nơi")),
)
COMMITTEE_PREFIX = "Đảng bộ xã "


def new_commune_code(committee_code: str) -> str:
    """The administrative commune a new commune committee leads: SL-X01 leads XA-SL-01."""
    return f"XA-SL-{committee_code[-2:]}"


def old_codes() -> dict[str, str]:
    """The old commune committees' codes by the names NEW_COMMUNES uses."""
    out = {}
    for i, (name, is_town, *_rest) in enumerate(d.COMMUNES):
        out[f"{name} town" if is_town else name] = f"MS-X{i + 1:02d}"
    return out


def new_commune_of() -> dict[str, tuple[str, str]]:
    """Old commune committee code -> (new code, new name)."""
    codes = old_codes()
    return {codes[old]: (code, name) for code, name, olds in NEW_COMMUNES for old in olds}


_NEW_COMMUNE_OF = new_commune_of()


def issuer_on(code: str, on: datetime.date) -> str:
    """The code of the organization that issues on `on` what the organization `code` issued
    before: from 01/07/2025 an old commune committee's documents are its new commune
    committee's, and the district's are the province's; before, `code` itself. The demo's
    document numbers run per issuer and year, so they restart at the new issuers on that day."""
    if on < ON:
        return code
    if code == d.DISTRICT[0]:
        return d.PROVINCE[0]
    new = _NEW_COMMUNE_OF.get(code)
    return new[0] if new else code


def largest_holders(groups, sources: list[Organization]) -> dict[str, int]:
    """For each seat held in several sources (the preview's seat groups), the row of the holder
    whose source had the most members on its last day (30/06/2025); the first listed on a tie."""
    last_day = ON - datetime.timedelta(days=1)
    size = {s.pk: indicators.get("members").compute(s, last_day).value for s in sources}
    chosen = {}
    for group in groups:
        what = group.key.partition(":")[0]
        if what == "position":
            rows = Position.objects.filter(pk__in=[pk for pk, _label in group.candidates])
            source_of = dict(rows.values_list("pk", "organization_id"))
        else:
            rows = CommuneLeader.objects.filter(pk__in=[pk for pk, _label in group.candidates])
            source_of = dict(rows.values_list("pk", "commune_id"))
        chosen[group.key] = max(group.candidates, key=lambda c: size.get(source_of[c[0]], -1))[
            0
        ]  # max keeps the first of equals
    return chosen


def write_village_mergers(mergers: list[VillageMerger], actor: User) -> dict:
    """The bản that merge on 01/07/2025 and their cells (Plan.mergers), through the services:
    the bản closes into its neighbour (village_merge), then its cell merges into the
    neighbour's through the tool, whose secretary and deputy keep their seats. What moved,
    counted."""
    plans = []
    for merger in mergers:
        places.village_merge(
            source=Village.objects.get(code=merger.village),
            into=Village.objects.get(code=merger.into),
            on=ON,
            actor=actor,
        )
        into = Organization.objects.get(code=merger.into_cell)
        # The neighbour's secretary and deputy keep their seats: the plan names them for the
        # seats held in both cells (the tool reads a choice only for a seat held twice).
        theirs = selectors.rows_at("position", into, ON).filter(title__in=SINGLE_CELL_TITLES)
        plan = reorg.reorganize(
            kind="merge",
            sources=[Organization.objects.get(code=merger.cell)],
            into=into,
            choices={"seats": {f"position:{p.title}": p.pk for p in theirs}},
            decision=CELLS_DECISION,
            on=ON,
            actor=actor,
            today=ON,
        )
        plans.append(plan.pk)
    moved = Membership.objects.filter(
        cell__code__in=[m.into_cell for m in mergers], start=ON, reason=Membership.Reason.MERGE
    )
    return {"villages": len(mergers), "plans": plans, "members_moved": moved.count()}


def write_reorganization(
    orgs: dict[str, Organization], actor: User, mergers: list[VillageMerger] = ()
) -> dict:
    """Apply the 2025 reorganization to the written demo (on its day, as the tool does when the
    day comes), by `actor` (the org board's user, whose role passes to the province): first
    the bản and cells of `mergers`, then the communes; what was moved, counted. The plans read
    as applied by `actor` on the morning of 01/07/2025, not on the day the demo is built."""
    cells_merged = write_village_mergers(list(mergers), actor)
    codes = old_codes()
    province = orgs[d.PROVINCE[0]]
    moved: dict[str, int] = {}
    villages_moved = 0
    for code, name, olds in NEW_COMMUNES:
        sources = [Organization.objects.get(code=codes[old]) for old in olds]
        # The administrative communes merge on the same day: the new commune opens on 01/07/2025
        # and the old ones join it (their villages with them; their links to the old
        # committees end the day before). This comes before the Party side because a commune
        # led by the new committee from 01/07/2025 could not close that same day; the old
        # communes, closed, are not the plan's to move.
        commune = places.commune_create(
            code=new_commune_code(code),
            name=name.removeprefix(COMMITTEE_PREFIX),
            kind=Commune.Kind.COMMUNE,
            valid_from=ON,
            actor=actor,
        )
        for old in Commune.objects.filter(party_committee__in=sources).order_by("code"):
            villages_moved += places.commune_merge(source=old, into=commune, on=ON, actor=actor)
        plan = reorg.reorg_draft(
            kind="merge",
            sources=sources,
            parts=[{"code": code, "name": name}],
            parent=province,
            decision=DECISION,
            on=ON,
            actor=actor,
        )
        preview = selectors.preview(plan, today=ON)
        # The seat held in several sources: its holder in the largest source keeps it.
        plan.choices = {"seats": largest_holders(preview.seat_groups, sources)}
        plan.save(update_fields=["choices"])
        reorg.reorg_apply(reorganization=plan, actor=actor, today=ON)
        # The new commune committee leads the new commune from its first day.
        places.commune_set_party_committee(
            commune=commune,
            party_committee=Organization.objects.get(code=code),
            on=ON,
            actor=actor,
        )
        for what, n in preview.counts().items():
            moved[what] = moved.get(what, 0) + n
    district = Organization.objects.get(code=d.DISTRICT[0])
    plan = reorg.reorganize(
        kind="merge",
        sources=[district],
        into=Organization.objects.get(pk=province.pk),
        decision=DECISION,
        on=ON,
        actor=actor,
        today=ON,
    )
    Reorganization.objects.filter(status=Reorganization.Status.APPLIED).update(
        applied_at=timezone.make_aware(datetime.datetime.combine(ON, APPLIED_AT))
    )
    return {
        "village_mergers": cells_merged,
        "new_communes": len(NEW_COMMUNES),
        "moved": moved,
        "villages_moved": villages_moved,
        "district": plan.pk,
    }
