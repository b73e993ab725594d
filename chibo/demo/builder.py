"""Write the demo plan (plan.make_plan) to the database in one transaction, in bulk.

Rows are written in bulk rather than through the services: ~10,000 members through
member_create would take minutes and write ~10,000 audit rows. The large tables get tuples
straight into the table (rows.insert), the few hundred rows whose primary keys the next
writer needs go through bulk_create. The plan is built
to satisfy the same rules the services check (dated memberships that never overlap, one
open membership per member, status changes that close memberships; seats held by official
members of the cell, within the committee rule, one holder per village post at a time), and
the build writes one audit event that records what it created.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from chibo.accounts.models import RoleAssignment, User
from chibo.core import audit, dates
from chibo.core.models import AuditEvent
from chibo.meetings.documents import services as services_documents
from chibo.meetings.models import MeetingDocument
from chibo.members import counts as member_counts
from chibo.members.models import BadgeAward, Member, Membership, StatusChange
from chibo.members.rules import status_kind
from chibo.organizations.models import (
    Commune,
    CommuneCommitteeLink,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
    VillageCellLink,
    VillageCommuneLink,
    path_segment,
)

from . import data as d
from .admissions import write_admissions
from .committees import write_committees
from .congresses import write_congresses, write_congresses_2025
from .criteria import write_criteria
from .meetings import build_meetings
from .plan import Plan, make_plan
from .plans import write_plans
from .ratings import write_ratings
from .reorganization import ON as REORGANIZED_ON
from .reorganization import write_reorganization
from .rows import ids, insert, insert_objects
from .training import write_training

BATCH = 1000


class DemoNotEmpty(Exception):
    """The database already holds organizations or demo users."""


@dataclass
class DemoResult:
    plan: Plan
    orgs: dict[str, Organization]
    member_ids: list[int]
    users: dict[str, User]


def database_is_empty() -> bool:
    return not Organization.objects.exists()


def _fresh_statistics():
    """Planner statistics of the rows as they are now. Inside the transaction: PostgreSQL's
    ANALYZE counts the rows this transaction inserted; SQLite has none until then."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _after_bulk_load():
    """Fresh planner statistics for the tables just filled: without them PostgreSQL plans the
    first reads as if the tables were empty (a six-minute indicator query in a test)."""
    member_counts.recount()  # the members per cell, as the services keep them
    _fresh_statistics()
    if connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks of every row now, once. Left pending, they would
        # fire again at each SET CONSTRAINTS ALL IMMEDIATE inside a savepoint that is then rolled
        # back (each test on the demo): tens of seconds every time.
        connection.check_constraints()


def build_demo(
    *, seed: int = d.DEFAULT_SEED, password: str = d.DEFAULT_PASSWORD, today=None
) -> DemoResult:
    """Build the Mai Sơn demo district, its data going on to `today` (the local date by
    default); raises DemoNotEmpty unless the database is empty. The same seed and day give the
    same demo."""
    today = today or dates.today()
    with transaction.atomic():
        usernames = [u[0] for u in d.DEMO_USERS]
        if not database_is_empty() or User.objects.filter(username__in=usernames).exists():
            raise DemoNotEmpty
        plan = make_plan(seed, today)  # (after the check: a refusal costs no plan)
        orgs = _create_organizations(plan)
        villages = _create_places(plan, orgs)
        member_ids = _create_members(plan, orgs)
        # The rest of the build reads the tree and the members back (the committees, the
        # congresses of 2025 and the reorganization's member counts): with the statistics the
        # tables had before (a test database's: "0 rows in 1 page" after a test's rows were
        # deleted), PostgreSQL takes each table for one row and nests loops over all of them
        # (~7 s a count of the reorganization, up to 107 s a read of the 2025 committees).
        _fresh_statistics()
        users = _create_users(plan, orgs, member_ids, password)
        committees = write_committees(plan.committees, orgs, member_ids, villages)
        training = write_training(plan.training, orgs, member_ids)
        meetings = build_meetings(plan, orgs, member_ids, users, villages, today)
        # The minutes and resolutions of the recorded meetings carry their register numbers,
        # as records saved through the pages do.
        meetings["documents"] = _number_documents(orgs)
        write_admissions(plan, orgs, member_ids, today)
        write_congresses(orgs, seed)
        write_criteria(villages, seed, closing={m.village: REORGANIZED_ON for m in plan.mergers})
        write_plans(villages, seed, today)
        write_ratings(seed, today)
        # On 01/07/2025 the district ends and its communes merge (through the tool).
        # The bản of plan.mergers and their cells first.
        reorganized = (
            write_reorganization(orgs, users["demo-admin"], plan.mergers)
            if today >= REORGANIZED_ON
            else None
        )
        if reorganized is not None:
            secretary = users["demo-secretary"].member
            reorganized["congresses"] = write_congresses_2025(
                seed,
                today,
                keep={secretary.cell_id: secretary.pk},
                never={users["demo-member"].member_id},
                merged={orgs[m.cell].pk: orgs[m.into_cell].pk for m in plan.mergers},
            )
        _after_bulk_load()
        district = orgs[d.DISTRICT[0]]
        audit.record(
            actor=None,
            action=AuditEvent.Action.IMPORT,
            obj=district,
            note=f"Dựng dữ liệu mẫu huyện Mai Sơn (seed {seed})",
            changes={
                "demo": {
                    "seed": seed,
                    "today": today.isoformat(),
                    "organizations": len(orgs),
                    "villages": len(plan.villages),
                    "members": len(member_ids),
                    "after_the_article": plan.later,
                    "memberships": sum(len(m.memberships) for m in plan.members),
                    "users": sorted(users),
                    "committees": committees,
                    "training": training,
                    "meetings": meetings,
                    "reorganization": reorganized,
                }
            },
        )
    return DemoResult(plan, orgs, member_ids, users)


def _number_documents(orgs) -> int:
    """The register numbers documents_number_bulk would give, written as rows; every series is
    new in the demo, so no meeting is left to documents_number."""
    rows, one_by_one = services_documents.documents_numbering(
        cell_ids=[o.pk for o in orgs.values()]
    )
    if one_by_one:
        raise ValueError("the demo's meetings already had documents")
    return insert(MeetingDocument, ("meeting", "doc_type", "series", "number", "issued_on"), rows)


def _create_organizations(plan: Plan) -> dict[str, Organization]:
    """Level by level: a node's path needs its parent's path and its own primary key."""
    orgs: dict[str, Organization] = {}
    depth_of: dict[str, int] = {}
    for spec in plan.orgs:
        depth_of[spec.code] = 0 if spec.parent is None else depth_of[spec.parent] + 1
    for depth in range(max(depth_of.values()) + 1):
        level = [s for s in plan.orgs if depth_of[s.code] == depth]
        objs = [
            Organization(
                code=s.code,
                name=s.name,
                kind=s.kind,
                grassroots_type=s.grassroots_type,
                cell_type=s.cell_type,
                parent=orgs.get(s.parent),
                path="",
                depth=depth,
                valid_from=s.valid_from,
                valid_to=s.valid_to,
            )
            for s in level
        ]
        Organization.objects.bulk_create(objs, batch_size=BATCH)
        for obj in objs:
            obj.path = (obj.parent.path if obj.parent else "") + path_segment(obj.pk)
            orgs[obj.code] = obj
        Organization.objects.bulk_update(objs, ["path"], batch_size=250)
    OrganizationPeriod.objects.bulk_create(
        [
            OrganizationPeriod(
                organization=o,
                name=o.name,
                parent=o.parent,
                path=o.path,
                valid_from=o.valid_from,
                valid_to=o.valid_to,
            )
            for o in orgs.values()
        ],
        batch_size=BATCH,
    )
    founded = [
        OrganizationEvent(
            kind=OrganizationEvent.Kind.FOUNDED,
            on=o.valid_from,
            organization=o,
            note="Dữ liệu mẫu: số liệu đầu kỳ",
        )
        for o in orgs.values()
    ]
    merged = [
        OrganizationEvent(
            kind=OrganizationEvent.Kind.MERGED,
            on=m.on,
            organization=orgs[m.source],
            decision=m.decision,
            note=f"Sáp nhập vào {orgs[m.target].name}",
        )
        for m in plan.merges
    ]
    OrganizationEvent.objects.bulk_create(founded + merged, batch_size=BATCH)
    OrganizationEvent.related.through.objects.bulk_create(
        [
            OrganizationEvent.related.through(
                organizationevent_id=ev.pk, organization_id=orgs[m.target].pk
            )
            for ev, m in zip(merged, plan.merges, strict=True)
        ]
    )
    return orgs


def _create_places(plan: Plan, orgs: dict[str, Organization]):
    communes = Commune.objects.bulk_create(
        [
            Commune(
                code=c.code,
                name=c.name,
                kind=c.kind,
                party_committee=orgs[c.committee],
                valid_from=d.DATA_START,
            )
            for c in plan.communes
        ]
    )
    # Each commune led by its committee from the start (the 2025 reorganization changes them
    # through the services: reorganization.py).
    CommuneCommitteeLink.objects.bulk_create(
        [
            CommuneCommitteeLink(
                commune=commune,
                committee=commune.party_committee,
                start=max(d.DATA_START, commune.party_committee.valid_from),
            )
            for commune in communes
        ]
    )
    by_code = {c.code: c for c in communes}
    villages = Village.objects.bulk_create(
        [
            Village(
                code=v.code,
                name=v.name,
                kind=v.kind,
                commune=by_code[v.commune],
                # the open link's cell, as the services keep it: none once the village closed
                cell=orgs[v.cell] if v.valid_to is None else None,
                especially_disadvantaged=v.disadvantaged,
                households=v.households,
                valid_from=d.DATA_START,
                valid_to=v.valid_to,
            )
            for v in plan.villages
        ],
        batch_size=BATCH,
    )
    # Each village lies in its commune over its whole validity (the communes' merger of
    # 01/07/2025 moves the open ones through the services: reorganization.py).
    VillageCommuneLink.objects.bulk_create(
        [
            VillageCommuneLink(
                village=village,
                commune=village.commune,
                start=village.valid_from,
                end=village.valid_to,
            )
            for village in villages
        ],
        batch_size=BATCH,
    )
    # Each village served by its cell while both were valid (a merged-away village closed with
    # its cell).
    VillageCellLink.objects.bulk_create(
        [
            VillageCellLink(
                village=village,
                cell=orgs[v.cell],
                start=max(d.DATA_START, orgs[v.cell].valid_from),
                end=_earliest(v.valid_to, orgs[v.cell].valid_to),
            )
            for v, village in zip(plan.villages, villages, strict=True)
        ],
        batch_size=BATCH,
    )
    return {v.code: v for v in villages}


def _earliest(*days):
    days = [day for day in days if day is not None]
    return min(days) if days else None


def _create_members(plan: Plan, orgs: dict[str, Organization]) -> list[int]:
    """The members (as instances: Member.refresh_derived fills their derived fields), their
    memberships, status changes and badges, written as rows (rows.insert)."""
    members = []
    for spec in plan.members:
        m = Member(
            full_name=spec.full_name,
            sex=spec.sex,
            birth_date=spec.birth_date,
            ethnicity=spec.ethnicity,
            religion=spec.religion,
            occupation=spec.occupation,
            citizen_id=spec.citizen_id,
            party_card_number=spec.party_card_number,
            admission_date=spec.admission_date,
            official_date=spec.official_date,
            education=spec.education,
            qualification=spec.qualification,
            theory_level=spec.theory_level,
            foreign_language=spec.foreign_language,
            it_level=spec.it_level,
            birthplace=spec.birthplace,
            hometown=spec.hometown,
            residence=spec.residence,
            status=spec.status,
            status_since=spec.status_since,
            cell=orgs[spec.cell],
        )
        m.refresh_derived()
        members.append(m)
    insert_objects(Member, members)
    pks = ids(
        Member.objects.values_list("pk", "party_card_number"),
        [(m.party_card_number,) for m in members],
    )
    insert(
        Membership,
        ("member", "cell", "start", "end", "reason", "note"),
        (
            (pk, orgs[ms.cell].pk, ms.start, ms.end, ms.reason, ms.note)
            for pk, spec in zip(pks, plan.members, strict=True)
            for ms in spec.memberships
        ),
    )
    insert(
        StatusChange,
        ("member", "status", "previous", "kind", "reason", "on", "note"),
        (
            (
                pk,
                sc.status,
                sc.previous,
                status_kind(sc.status),
                sc.note if sc.status == "exempt" else "",
                sc.on,
                sc.note,
            )
            for pk, spec in zip(pks, plan.members, strict=True)
            for sc in spec.status_changes
        ),
    )
    _award_badges(members, pks)
    return pks


def _award_badges(members, pks):
    """Every party-age badge a member reached while in a cell, awarded at the first award date
    after it, up to the last award date before the demo's date (07/11/2022): the lists of 2023
    show the badges that fall due then, as an organization board that keeps up would see."""
    from chibo.members.badges.ages import reaches
    from chibo.members.badges.selectors import award_dates, rule_on

    last = max(day for day, _rule in award_dates(d.AS_OF.year - 1))
    rule = rule_on(last)
    if rule is None:
        return
    dates = {}  # year -> its award dates (one query a year)

    def first_on_or_after(day):
        for year in (day.year, day.year + 1):
            if year not in dates:
                dates[year] = [day for day, _rule in award_dates(year)]
            found = [x for x in dates[year] if x >= day]
            if found:
                return found[0]
        return None

    awards = []
    for m, pk in zip(members, pks, strict=True):
        # A member who has left (died, moved away) was awarded while still in a cell.
        gone = m.status not in ("active", "exempt") and m.status_since is not None
        for years in rule.years:
            reached = reaches(m.admission_date, years)
            if reached > last:
                break
            day = first_on_or_after(reached)
            if day is None or (gone and day >= m.status_since):
                break
            awards.append((pk, years, day, "Huyện ủy Mai Sơn"))
    insert(BadgeAward, ("member", "years", "awarded_on", "decided_by"), awards)


def _create_users(plan: Plan, orgs, member_ids, password) -> dict[str, User]:
    # One hash for all six: they share the password anyway, and each hash costs ~0.3 s.
    hashed = make_password(password)
    links = plan.links
    where = {
        "district": [orgs[d.DISTRICT[0]]],
        "commune": [orgs[links["commune"]]],
        "secretary_cell": [orgs[links["secretary_cell"]]],
        "official_cells": [orgs[c] for c in links["official_cells"]],
    }
    member_of = {
        "demo-secretary": links["secretary"],
        "demo-member": links["member"],
    }
    users, roles = {}, []
    for username, role, node, full_name in d.DEMO_USERS:
        index = member_of.get(username)
        user = User.objects.create(
            username=username,
            password=hashed,
            full_name=full_name or plan.members[index].full_name,
            member_id=member_ids[index] if index is not None else None,
        )
        users[username] = user
        roles += [
            RoleAssignment(
                user=user, role=role, organization=org, valid_from=d.ROLE_FROM, note="Tài khoản mẫu"
            )
            for org in where[node]
        ]
    RoleAssignment.objects.bulk_create(roles)
    return users
