"""The sheets of the criteria and the village plans (issue 12): the criteria sets with their
items, each village's result on an item in a year, the villages' annual plans with where they
stand and the targets assigned in them.

A set and an item are named by codes, never ids: a set by the file-local code its sheet gives
it (`BTC12`), an item by its set's code and its own code in the set. The rules are the criteria
app's: two sets of a kind never share a day; a village's result is judged met against its
item's threshold when it is loaded; the sets are the org board's to enter (a user of a smaller
scope may load a file that carries them unchanged). An item's threshold is not changed and an
item is not added to a set that chibo already has: the results recorded under it would change
meaning; a new set is issued instead.
"""

from django.utils.translation import gettext as _

from chibo.core.models import AuditEvent
from chibo.core.vn import day_text
from chibo.criteria.models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from chibo.criteria.services import year_bounds
from chibo.organizations.models import Village, VillageCellLink
from chibo.plans.models import PlanTarget, VillagePlan
from chibo.targets.models import Target

from .engine import PENDING
from .spec import Invalid


def _may_enter_sets(run) -> bool:
    return run.scope is None or run.scope.is_org_admin


def _set_refused():
    return _("Chỉ quản trị của Ban Tổ chức được nhập hoặc sửa bộ tiêu chí.")


# --- sets ---------------------------------------------------------------------------------------


def apply_criteria_sets(run, sheet, rows):
    """Check the sets against each other and chibo's (no two of a kind share a day) and the
    user's right to enter them, then write them the generic way."""
    existing = {
        (s.kind, s.valid_from): s
        for s in CriteriaSet.objects.only("kind", "name", "decision", "valid_from", "valid_to")
    }
    final = {key: (s.name, s.valid_from, s.valid_to, None) for key, s in existing.items()}
    for row in rows:
        a = row.attrs
        if a.get("valid_to") is not None and a["valid_to"] <= a["valid_from"]:
            run.error(sheet, row.number, "Đến ngày", _("«Đến ngày» phải sau «Áp dụng từ ngày»."))
            continue
        key = (a["kind"], a["valid_from"])
        old = existing.get(key)
        changed = old is None or (old.name, old.decision, old.valid_to) != (
            a["name"],
            a.get("decision", ""),
            a.get("valid_to"),
        )
        if changed and not _may_enter_sets(run):
            run.error(sheet, row.number, "", _set_refused())
            continue
        final[key] = (a["name"], a["valid_from"], a.get("valid_to"), row.number)
    by_kind: dict = {}
    for (kind, _start), value in final.items():
        by_kind.setdefault(kind, []).append(value)
    for spans in by_kind.values():
        spans.sort(key=lambda s: s[1])
        for before, after in zip(spans, spans[1:], strict=False):
            if before[2] is not None and before[2] <= after[1]:
                continue
            number = after[3] or before[3]
            if number is None:
                continue  # both already in chibo: as they were
            until = day_text(before[2]) if before[2] else _("nay")
            run.error(
                sheet,
                number,
                "Áp dụng từ ngày",
                _(
                    "Bộ tiêu chí “%(n)s” cùng loại áp dụng từ %(f)s đến %(t)s, trùng thời gian "
                    "với bộ “%(m)s”. Hai bộ cùng loại không được áp dụng cùng lúc; bộ cũ phải có "
                    "«Đến ngày» không sau ngày bộ mới bắt đầu."
                )
                % {"n": before[0], "f": day_text(before[1]), "t": until, "m": after[0]},
            )
    ended = _end_first(run, rows, existing) if not run.errors else 0
    run.apply_generic(sheet, rows)
    if ended:
        # The generic writer found those rows as the file has them: they were updated here.
        summary = run.summaries[sheet.name]
        summary.unchanged -= ended
        summary.updated += ended


def _end_first(run, rows, existing) -> int:
    """End the sets chibo has open that the file ends, before the file's new sets are written
    (at most one set of a kind is open at any moment: a database constraint). Returns how many
    of them the file changes in nothing else."""
    ended = 0
    for row in rows:
        a = row.attrs
        old = existing.get((a["kind"], a["valid_from"]))
        if old is None or old.valid_to is not None or a.get("valid_to") is None:
            continue
        CriteriaSet.objects.filter(pk=old.pk).update(valid_to=a["valid_to"])
        run.audit(AuditEvent.Action.UPDATE, old, {"valid_to": [None, a["valid_to"].isoformat()]})
        ended += (old.name, old.decision) == (a["name"], a.get("decision", ""))
    return ended


# --- items --------------------------------------------------------------------------------------


def _db_items(run) -> dict:
    found = run.state.get("criteria_items_before")
    if found is None:
        found = run.state["criteria_items_before"] = {
            (i.criteria_set_id, i.code): i for i in CriteriaItem.objects.all()
        }
        run.state["criteria_sets_with_items"] = {k[0] for k in found}
    return found


def criteria_item_prepare(attrs, run):
    set_id = attrs["criteria_set_id"]
    key = (set_id, attrs["code"])
    run.state.setdefault("criteria_item_codes", set()).add(key)
    if set_id == PENDING:
        return
    old = _db_items(run).get(key)
    if old is None:
        if set_id in run.state["criteria_sets_with_items"]:
            raise Invalid(
                _(
                    "Bộ tiêu chí này đã có trong chibo cùng các tiêu chí của nó: không thêm tiêu "
                    "chí «%(c)s» vào được (kết quả đã ghi theo bộ sẽ đổi nghĩa). Hãy nhập một bộ "
                    "mới."
                )
                % {"c": attrs["code"]}
            )
        if not _may_enter_sets(run):
            raise Invalid(_set_refused())
        return
    if (old.compare, old.threshold) != (attrs["compare"], attrs["threshold"]):
        raise Invalid(
            _(
                "Tiêu chí «%(c)s» đã có trong chibo với ngưỡng %(t)s: không sửa ngưỡng được (kết "
                "quả đã ghi được đánh giá theo ngưỡng này). Hãy nhập một bộ mới."
            )
            % {"c": attrs["code"], "t": old.threshold_text}
        )
    same = (old.name, old.measure, old.unit, old.order) == (
        attrs["name"],
        attrs.get("measure", ""),
        attrs["unit"],
        attrs.get("order", 0),
    )
    if not same and not _may_enter_sets(run):
        raise Invalid(_set_refused())


# --- what a row names: an item by its set and code, a village and its commune's committee ------


def _items_now(run) -> dict:
    """(set id, code) -> item, read after the items sheet was written."""
    found = run.state.get("criteria_items_now")
    if found is None:
        found = run.state["criteria_items_now"] = {
            (i.criteria_set_id, i.code): i
            for i in CriteriaItem.objects.select_related("criteria_set")
        }
    return found


def _item(run, attrs, *, required: bool):
    """The item named by the row's set and item code: an item, PENDING (one this failing file
    would have written), or None when the row names none (and may not)."""
    set_id = attrs.pop("criteria_set_id", None)
    code = attrs.pop("item", "") or ""
    if set_id is None and not code:
        if required:
            raise Invalid(_("Cần mã bộ tiêu chí và mã tiêu chí."))
        return None
    if set_id is None or not code:
        raise Invalid(_("Ghi cả mã bộ tiêu chí và mã tiêu chí, hoặc bỏ trống cả hai."))
    if set_id == PENDING:
        return PENDING
    item = _items_now(run).get((set_id, code))
    if item is None:
        if (set_id, code) in run.state.get("criteria_item_codes", ()):
            return PENDING
        raise Invalid(_("Bộ tiêu chí không có tiêu chí mã «%(c)s» (trang Tiêu chí).") % {"c": code})
    return item


def _in_year(item: CriteriaItem, year: int) -> bool:
    start, end = year_bounds(year)
    s = item.criteria_set
    return s.valid_from < end and (s.valid_to is None or s.valid_to > start)


def _not_in_year(item, year):
    return Invalid(
        _("Tiêu chí %(c)s thuộc bộ “%(s)s”, không áp dụng trong năm %(y)s.")
        % {"c": item.code, "s": item.criteria_set.name, "y": year}
    )


def _village(run, village_id):
    """(valid_from, valid_to, commune's committee id) of a village, read once."""
    villages = run.state.get("village_spans")
    if villages is None:
        villages = run.state["village_spans"] = {
            pk: (start, end, committee)
            for pk, start, end, committee in Village.objects.values_list(
                "pk", "valid_from", "valid_to", "commune__party_committee_id"
            )
        }
    return villages.get(village_id)


def _check_village(run, village_id, year):
    found = _village(run, village_id)
    if village_id == PENDING or found is None:
        return
    start, end, committee = found
    if committee is not None and not run.can_write_org(committee):
        raise Invalid(_("Thôn, bản này thuộc xã nằm ngoài phạm vi bạn được nhập."))
    first, after = year_bounds(year)
    if start >= after or (end is not None and end <= first):
        raise Invalid(_("Thôn, bản không tồn tại trong năm %(y)s.") % {"y": year})


# --- statuses -----------------------------------------------------------------------------------


def status_prepare(attrs, run):
    item = _item(run, attrs, required=True)
    year = attrs["year"]
    _check_village(run, attrs["village_id"], year)
    if attrs["value"] < 0:
        raise Invalid(_("Giá trị không được âm."))
    if item == PENDING:
        attrs["item_id"], attrs["met"] = PENDING, False
        return
    if not _in_year(item, year):
        raise _not_in_year(item, year)
    attrs["item_id"] = item.pk
    attrs["met"] = item.meets(attrs["value"])  # judged at loading, as on the village's page


def export_statuses(ctx):
    items = {
        pk: (set_id, code)
        for pk, set_id, code in CriteriaItem.objects.values_list("pk", "criteria_set_id", "code")
    }
    qs = VillageCriterionStatus.objects.filter(village_id__in=list(ctx.village_code))
    for village_id, item_id, year, value, note in (
        qs.order_by("village_id", "year", "item_id")
        .values_list("village_id", "item_id", "year", "value", "note")
        .iterator(chunk_size=10000)
    ):
        set_id, code = items[item_id]
        yield {
            "village": ctx.village_code[village_id],
            "year": year,
            "criteria_set": f"BTC{set_id}",
            "item": code,
            "value": value,
            "note": note,
        }


# --- plans --------------------------------------------------------------------------------------


def _plans_before(run) -> dict:
    found = run.state.get("plans_before")
    if found is None:
        found = run.state["plans_before"] = {
            (v, y): (s, d, by)
            for v, y, s, d, by in VillagePlan.objects.values_list(
                "village_id", "year", "submitted_at", "decided_at", "decided_by_id"
            )
        }
    return found


def plan_prepare(attrs, run):
    _check_village(run, attrs["village_id"], attrs["year"])
    old = _plans_before(run).get((attrs["village_id"], attrs["year"]))
    if old is not None:
        # The file is written to the second: the same instant is the same; a blank decider
        # (someone outside the exported part of the tree) keeps the one chibo has. (The same text
        # with other line endings is the same: the engine's rule for every "prose" column.)
        for i, name in enumerate(("submitted_at", "decided_at")):
            at, was = attrs.get(name), old[i]
            if at is not None and was is not None and at == was.replace(microsecond=0):
                attrs[name] = was
        if attrs.get("decided_by_id") is None:
            attrs["decided_by_id"] = old[2]
    status = attrs["status"]
    S = VillagePlan.Status
    if status in (S.APPROVED, S.RETURNED) and attrs.get("decided_at") is None:
        raise Invalid(_("Kế hoạch đã được xã quyết định: cần «Ngày xã quyết định»."))
    if status == S.RETURNED and not attrs.get("comment"):
        raise Invalid(_("Kế hoạch bị trả lại: cần «Ý kiến của xã»."))
    if status != S.DRAFT and attrs.get("submitted_at") is None:
        raise Invalid(_("Kế hoạch đã gửi xã: cần «Ngày gửi»."))


# --- targets of a plan --------------------------------------------------------------------------


def _plan_facts(run):
    facts = run.state.get("plan_facts")
    if facts is None:
        plans = {
            pk: (v, y) for pk, v, y in VillagePlan.objects.values_list("pk", "village_id", "year")
        }
        targets = {
            pk: (cell, year)
            for pk, cell, year in Target.objects.values_list("pk", "cell_id", "year")
        }
        links: dict = {}
        for village_id, cell_id, start, end in VillageCellLink.objects.values_list(
            "village_id", "cell_id", "start", "end"
        ):
            links.setdefault(village_id, []).append((cell_id, start, end))
        facts = run.state["plan_facts"] = (plans, targets, links)
    return facts


def plan_target_prepare(attrs, run):
    item = _item(run, attrs, required=False)
    plan_id, target_id = attrs["plan_id"], attrs["target_id"]
    attrs["criteria_item_id"] = item.pk if isinstance(item, CriteriaItem) else item
    if PENDING in (plan_id, target_id):
        return
    plans, targets, links = _plan_facts(run)
    village_id, year = plans[plan_id]
    cell_id, target_year = targets[target_id]
    if not run.can_write_org(cell_id):
        raise Invalid(_("Chỉ tiêu của chi bộ nằm ngoài phạm vi bạn được nhập."))
    if target_year != year:
        raise Invalid(
            _("Chỉ tiêu năm %(t)s không thuộc kế hoạch năm %(y)s.") % {"t": target_year, "y": year}
        )
    first, after = year_bounds(year)
    served = any(
        c == cell_id and start < after and (end is None or end > first)
        for c, start, end in links.get(village_id, ())
    )
    if not served:
        raise Invalid(_("Chi bộ của chỉ tiêu không phục vụ bản này trong năm %(y)s.") % {"y": year})
    if isinstance(item, CriteriaItem) and not _in_year(item, year):
        raise _not_in_year(item, year)


def export_plan_targets(ctx):
    items = {
        pk: (set_id, code)
        for pk, set_id, code in CriteriaItem.objects.values_list("pk", "criteria_set_id", "code")
    }
    qs = PlanTarget.objects.filter(
        plan__village_id__in=list(ctx.village_code),
        target__cell_id__in=list(ctx.org_code),
        target__withdrawn_at__isnull=True,
    )
    for plan_id, target_id, item_id in (
        qs.order_by("plan_id", "id")
        .values_list("plan_id", "target_id", "criteria_item_id")
        .iterator()
    ):
        set_id, code = items.get(item_id, (None, ""))
        yield {
            "plan": f"KB{plan_id}",
            "target": f"CT{target_id}",
            "criteria_set": f"BTC{set_id}" if set_id else "",
            "item": code,
        }
