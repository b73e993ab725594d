"""Writes to village posts (concurrent roles) and to the role models communes adopt. Each runs
in a transaction, takes the acting user and audits; the village row (for a post) or the
commune's row (for a model) is locked so two entries cannot both pass."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chibo.core import audit
from chibo.core.dated import end_dated_row
from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.members.models import IN_CELL_STATUSES, Member
from chibo.organizations.models import Organization, Village

from .. import rules
from ..models import ConcurrentRole, RoleModel, RoleModelRule
from ..selectors import overlapping

ROLE_FIELDS = ["village", "kind", "member", "person_name", "start", "end"]
ROLE_MODEL_FIELDS = ["name", "commune", "effective_from", "effective_to"]


@transaction.atomic
def concurrent_role_assign(
    *,
    village: Village,
    kind: str,
    start: datetime.date,
    member: Member | None = None,
    person_name: str = "",
    end: datetime.date | None = None,
    actor,
) -> ConcurrentRole:
    """Record who holds a village post from `start`: a member, or a person who is not one.

    One holder per post and village at a time; the village row is locked so two entries for the
    same post cannot both pass.
    """
    Village.objects.select_for_update().get(pk=village.pk)
    person_name = " ".join((person_name or "").split())
    if kind not in ConcurrentRole.Kind.values:
        raise ValidationError({"kind": _("Chức danh không hợp lệ.")})
    if (member is None) == (not person_name):
        raise ValidationError(
            {
                "member": _(
                    "Chọn một đảng viên, hoặc ghi họ tên người không phải đảng viên "
                    "(một trong hai)."
                )
            }
        )
    if end is not None and end <= start:
        raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    if member is not None and member.status not in IN_CELL_STATUSES:
        raise ValidationError(
            {"member": _("%(name)s không còn sinh hoạt đảng.") % {"name": member}}
        )
    other = (
        overlapping(ConcurrentRole.objects.filter(village=village, kind=kind), start, end)
        .select_related("member")
        .order_by("start")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "start": _(
                    "%(v)s đã có %(k)s %(name)s từ %(s)s đến %(e)s. Hãy kết thúc trước hoặc chọn "
                    "ngày khác."
                )
                % {
                    "v": village,
                    "k": other.get_kind_display().lower(),
                    "name": other.holder_name,
                    "s": day_text(other.start),
                    "e": day_text(other.end),
                }
            }
        )
    role = ConcurrentRole.objects.create(
        village=village, kind=kind, member=member, person_name=person_name, start=start, end=end
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=role,
        changes=audit.snapshot(role, ROLE_FIELDS),
    )
    return role


@transaction.atomic
def concurrent_role_end(*, role: ConcurrentRole, end: datetime.date, actor) -> ConcurrentRole:
    locked = (
        ConcurrentRole.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=role.pk)
    )
    return end_dated_row(row=locked, on=end, actor=actor)


def village_posts_end(*, village: Village, on: datetime.date, actor) -> None:
    """End on `on` the posts of `village` in force then, as the village closes (registered with
    organizations' on_village_close: organizations does not import this app); refuse when one
    starts on or after `on`. Runs in the closing service's transaction."""
    if ConcurrentRole.objects.filter(village=village, start__gte=on).exists():
        raise ValidationError(
            {
                "on": _("%(v)s có chức danh bắt đầu từ ngày %(d)s trở đi.")
                % {"v": village, "d": day_text(on)}
            }
        )
    running = ConcurrentRole.objects.filter(village=village).filter(
        Q(end__isnull=True) | Q(end__gt=on)
    )
    for role in running:
        concurrent_role_end(role=role, end=on, actor=actor)


# --- role models --------------------------------------------------------------------------------


def _clean_pairings(pairings) -> list[tuple[str, str, str]]:
    """(title, kind, paired_kind) triples, checked: one of title / paired_kind, known values, no
    post paired with itself, no pairing twice, at least one."""
    kinds = ConcurrentRole.Kind.values
    seen = []
    for title, kind, paired in pairings:
        title, paired = title or "", paired or ""
        if bool(title) == bool(paired) or kind not in kinds:
            raise ValidationError({"rules": _("Mỗi cặp cần một chức danh chi bộ hoặc thôn, bản.")})
        if title and title not in rules.CELL_TITLES:
            raise ValidationError({"rules": _("Chức danh không hợp lệ.")})
        if paired and (paired not in kinds or paired == kind):
            raise ValidationError({"rules": _("Một chức danh thôn, bản không ghép với chính nó.")})
        if (title, kind, paired) in seen:
            raise ValidationError({"rules": _("Có cặp chức danh bị lặp lại.")})
        seen.append((title, kind, paired))
    if not seen:
        raise ValidationError({"rules": _("Hãy chọn ít nhất một cặp chức danh.")})
    return seen


@transaction.atomic
def role_model_adopt(
    *,
    commune: Organization,
    name: str,
    effective_from: datetime.date,
    pairings,
    actor,
) -> RoleModel:
    """`commune` adopts a role model from `effective_from`. Each pairing (title, kind,
    paired_kind) says that in every village the holder of the cell title `title`, or of the
    village post `paired_kind`, should also hold the village post `kind` (Nà Bó: secretary =
    village head; deputy secretary = Front committee head; deputy village head = police).

    The model the commune applied until then ends that day, so one model applies at a time; a
    model adopted on or after `effective_from` must be ended before an earlier one is recorded.
    """
    org = Organization.objects.select_for_update().get(pk=commune.pk)
    if not org.is_commune:
        raise ValidationError(_("Chỉ đảng bộ xã, thị trấn mới áp dụng mô hình."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên mô hình.")})
    triples = _clean_pairings(pairings)
    later = (
        RoleModel.objects.filter(commune=org, effective_from__gte=effective_from)
        .order_by("effective_from")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "effective_from": _("Xã đã áp dụng mô hình %(n)s từ %(d)s.")
                % {"n": later.name, "d": day_text(later.effective_from)}
            }
        )
    running = RoleModel.objects.filter(commune=org, effective_from__lt=effective_from).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=effective_from)
    )
    for old in running:
        _end_model(old, effective_from, actor)
    model = RoleModel.objects.create(name=name, commune=org, effective_from=effective_from)
    RoleModelRule.objects.bulk_create(
        [
            RoleModelRule(role_model=model, title=title, kind=kind, paired_kind=paired)
            for title, kind, paired in triples
        ]
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=model,
        changes={
            **audit.snapshot(model, ROLE_MODEL_FIELDS),
            "rules": [list(t) for t in triples],
        },
    )
    return model


def _end_model(model: RoleModel, on: datetime.date, actor) -> RoleModel:
    if model.effective_to is not None and model.effective_to <= on:
        raise ValidationError(
            {"on": _("Mô hình đã thôi áp dụng từ %(d)s.") % {"d": day_text(model.effective_to)}}
        )
    if on <= model.effective_from:
        raise ValidationError(
            {
                "on": _("Ngày thôi áp dụng phải sau ngày áp dụng (%(d)s).")
                % {"d": day_text(model.effective_from)}
            }
        )
    return end_dated_row(row=model, on=on, actor=actor, field_end="effective_to")


@transaction.atomic
def role_model_end(*, role_model: RoleModel, on: datetime.date, actor) -> RoleModel:
    """The commune stops applying `role_model` from `on`."""
    Organization.objects.select_for_update().get(pk=role_model.commune_id)
    return _end_model(RoleModel.objects.get(pk=role_model.pk), on, actor)
