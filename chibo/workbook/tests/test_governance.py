"""The workbook's sheets of the criteria and the village plans: out and back in whole, again
without a change, every refusal naming its sheet, row and column with nothing written, and the
sets the org board's alone."""

import datetime
import io
from decimal import Decimal

import pytest

from chibo.accounts.scope import Scope
from chibo.core.models import AuditEvent
from chibo.criteria.models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from chibo.criteria.services import ItemSpec, criteria_set_create, village_status_record
from chibo.organizations.models import Village
from chibo.plans import services as plans
from chibo.plans.models import PlanTarget, VillagePlan
from chibo.targets.models import Target
from chibo.workbook import exporter, importer, schema

from .test_import import CELL, book, rows

pytestmark = pytest.mark.django_db
D = datetime.date
SHEETS = (
    schema.CRITERIA_SETS,
    schema.CRITERIA_ITEMS,
    schema.CRITERIA_STATUSES,
    schema.VILLAGE_PLANS,
    schema.PLAN_TARGETS,
)


@pytest.fixture
def loop(tree, personas):
    """Two sets of a kind (the first replaced by the second), the policies, a village's results
    in two years, and its plan for 2023: two targets assigned, sent, returned, sent, approved."""
    admin, commune = personas["admin"], personas["commune"]
    old = criteria_set_create(
        kind=CriteriaSet.Kind.VILLAGE_NTM,
        name="Tiêu chí bản NTM 2021–2025",
        decision="12/QĐ-UBND",
        valid_from=D(2021, 1, 1),
        items=[
            ItemSpec(code="1", name="Giao thông", unit="%", threshold=Decimal("70"), measure="đo"),
            ItemSpec(code="2", name="Hộ nghèo", unit="%", threshold=Decimal("2.5"), compare="le"),
        ],
        actor=admin,
    )
    criteria_set_create(
        kind=CriteriaSet.Kind.VILLAGE_NTM,
        name="Tiêu chí bản NTM 2026–2030",
        valid_from=D(2026, 1, 1),
        items=[ItemSpec(code="1", name="Giao thông", unit="%", threshold=Decimal("80"))],
        actor=admin,
        replace=True,
    )
    policies = criteria_set_create(
        kind=CriteriaSet.Kind.DISTRICT_POLICIES,
        name="12 chủ trương",
        valid_from=D(2021, 1, 1),
        items=[ItemSpec(code="1", name="Trồng cây ăn quả", unit="ha", threshold=Decimal(5))],
        actor=admin,
    )
    village = Village.objects.get(code="V-A1")
    items = {i.code: i for i in old.items.all()}
    village_status_record(
        village=village,
        year=2022,
        values={items["1"]: Decimal("72.5"), items["2"]: Decimal(3)},
        actor=commune,
    )
    village_status_record(
        village=village, year=2023, values={items["1"]: Decimal(75)}, actor=commune
    )
    plans.target_assign(
        village=village, year=2023, name="Làm đường bê tông", unit="km",
        yearly_value=Decimal(2), criteria_item=items["1"], actor=commune,
    )  # fmt: skip
    link = plans.target_assign(
        village=village, year=2023, name="Trồng cây ăn quả", unit="ha",
        yearly_value=Decimal(3), criteria_item=policies.items.get(), actor=commune,
    )  # fmt: skip
    plan = link.plan
    plans.plan_submit(plan=plan, text="Kế hoạch năm 2023.", actor=personas["secretary_a"])
    plans.plan_return(plan=plan, comment="Bổ sung nguồn vốn.", actor=commune)
    plans.plan_submit(
        plan=plan,
        text="Kế hoạch năm 2023, có vốn.\r\n\r\n- Làm 2 km đường.\r\n- Trồng 3 ha cây ăn quả.",
        actor=personas["secretary_a"],
    )
    plans.plan_approve(plan=plan, actor=commune)
    return plan


def snapshot():
    """The sets, items, results and plans by their codes (ids change on the way)."""
    return {
        "sets": sorted(
            CriteriaSet.objects.values_list("kind", "name", "decision", "valid_from", "valid_to")
        ),
        "items": sorted(
            CriteriaItem.objects.values_list(
                "criteria_set__name",
                "code",
                "name",
                "measure",
                "unit",
                "compare",
                "threshold",
                "order",
            )
        ),  # fmt: skip
        "statuses": sorted(
            VillageCriterionStatus.objects.values_list(
                "village__code",
                "year",
                "item__criteria_set__name",
                "item__code",
                "value",
                "met",
                "note",
            )
        ),  # fmt: skip
        "plans": sorted(
            VillagePlan.objects.values_list(
                "village__code",
                "year",
                "status",
                "text",
                "comment",
                "submitted_at",
                "decided_at",
                "decided_by__username",
            )
        ),  # fmt: skip
        "plan_targets": sorted(
            PlanTarget.objects.values_list(
                "plan__village__code",
                "plan__year",
                "target__name",
                "target__cell__code",
                "criteria_item__criteria_set__name",
                "criteria_item__code",
            ),
            key=str,
        ),  # fmt: skip
    }


def _trim(data: dict) -> dict:
    """Instants to the second, line breaks as "\n": what the file holds."""
    data["plans"] = [
        (*p[:3], p[3].replace("\r\n", "\n"), p[4], *(t.replace(microsecond=0) for t in p[5:7]),
         p[7])
        for p in data["plans"]
    ]  # fmt: skip
    return data


def test_criteria_and_plans_go_out_and_come_back_whole(loop, tree):
    before = snapshot()
    assert before["plans"][0][2] == "approved" and len(before["plan_targets"]) == 2
    data = exporter.build(tree.district)
    for model in (PlanTarget, VillagePlan, VillageCriterionStatus, CriteriaItem, CriteriaSet):
        model.objects.all().delete()
    result = importer.import_workbook(io.BytesIO(data), accept_warnings=True)
    assert not result.errors, result.errors
    assert result.counts[schema.CRITERIA_SETS.name]["created"] == 3
    assert result.counts[schema.CRITERIA_STATUSES.name]["created"] == 3
    assert result.counts[schema.PLAN_TARGETS.name]["created"] == 2
    assert snapshot() == _trim(before)
    # The result was judged against the threshold at loading: 3% of poor households is over 2,5.
    assert not VillageCriterionStatus.objects.get(year=2022, item__code="2").met
    assert PlanTarget.objects.get(target__name="Làm đường bê tông").target.cell == tree.cell_a
    assert VillagePlan.objects.get().text.endswith("đường.\n- Trồng 3 ha cây ăn quả.")
    events = AuditEvent.objects.count()
    again = importer.import_workbook(io.BytesIO(data), accept_warnings=True)
    assert not again.errors, again.errors
    changed = {n: c for n, c in again.counts.items() if c["created"] or c["updated"]}
    assert not changed
    assert AuditEvent.objects.count() == events


def test_loaded_back_where_it_came_from_nothing_changes(loop, tree):
    """Instants kept to the microsecond in chibo are the same as the file's to the second."""
    assert VillagePlan.objects.get().decided_at.microsecond  # written by the page's service
    data = exporter.build(tree.commune_a)
    result = importer.import_workbook(io.BytesIO(data), accept_warnings=True, dry_run=True)
    assert not result.errors, result.errors
    assert not {n: c for n, c in result.counts.items() if c["created"] or c["updated"]}


def test_a_cells_own_workbook_loads_back_where_it_came_from(loop, tree):
    """A cell's export names no parent for the cell (the root of the file, as a commune's);
    loaded back it was refused: "Chi bộ phải có tổ chức cấp trên"."""
    for org in (tree.cell_a, tree.cell_a2):
        data = exporter.build(org)
        result = importer.import_workbook(io.BytesIO(data), accept_warnings=True, dry_run=True)
        assert not result.errors, result.errors
        assert not {n: c for n, c in result.counts.items() if c["created"] or c["updated"]}
    # A cell chibo does not have still needs its parent.
    orphan = {**CELL, "code": "XA-99", "parent": ""}
    data = book({"Tổ chức": rows(schema.ORGANIZATIONS, [orphan])})
    assert _errors(data, dry_run=True) == {
        ("Tổ chức", 2, "Mã cấp trên"): "Chi bộ phải có tổ chức cấp trên."
    }


def _errors(data, **kwargs):
    before = snapshot(), AuditEvent.objects.count()
    result = importer.import_workbook(io.BytesIO(data), **kwargs)
    assert not result.written
    assert (snapshot(), AuditEvent.objects.count()) == before, "nothing is written"
    return {(e.sheet, e.row, e.column): e.message for e in result.errors}


NEW_SET = {
    "ref_code": "B1",
    "kind": "Tiêu chí bản nông thôn mới kiểu mẫu (tỉnh)",
    "name": "Bản kiểu mẫu 2021–2025",
    "valid_from": D(2021, 1, 1),
}


def test_sets_of_a_kind_sharing_a_day_are_refused_naming_the_row(loop):
    overlapping = dict(NEW_SET, ref_code="B2", name="Bản kiểu mẫu mới", valid_from=D(2024, 1, 1))
    bad_end = dict(NEW_SET, ref_code="B3", kind="commune_ntm", valid_to=D(2020, 1, 1))
    over_db = dict(
        NEW_SET, ref_code="B4", kind="village_ntm", valid_from=D(2024, 1, 1), valid_to=D(2025, 6, 1)
    )
    errors = _errors(
        book({"Bộ tiêu chí": rows(schema.CRITERIA_SETS, [NEW_SET, overlapping, bad_end, over_db])})
    )
    assert "trùng thời gian" in errors[("Bộ tiêu chí", 3, "Áp dụng từ ngày")]
    assert "Bản kiểu mẫu 2021–2025" in errors[("Bộ tiêu chí", 3, "Áp dụng từ ngày")]
    assert "phải sau" in errors[("Bộ tiêu chí", 4, "Đến ngày")]
    # Against a set chibo has: "Tiêu chí bản NTM 2021–2025" runs to 01/01/2026.
    assert "Tiêu chí bản NTM 2021–2025" in errors[("Bộ tiêu chí", 5, "Áp dụng từ ngày")]
    assert "01/01/2026" in errors[("Bộ tiêu chí", 5, "Áp dụng từ ngày")]


def test_bad_items_results_and_plans_are_refused_and_nothing_is_written(loop, tree):
    import openpyxl

    data = exporter.build(tree.district)

    wb = openpyxl.load_workbook(io.BytesIO(data))

    def grid(name):
        return [
            [v.date() if isinstance(v, datetime.datetime) else v for v in r]
            for r in wb[name].iter_rows(values_only=True)
        ]

    names = ("Tổ chức", "Xã", "Thôn, bản", "Chỉ tiêu", *(s.name for s in SHEETS))
    sheets = {name: grid(name) for name in names}
    items = sheets["Tiêu chí"]
    threshold = schema.CRITERIA_ITEMS.headers.index("Ngưỡng*")
    items[1][threshold] = 99  # a threshold changed under recorded results
    items.append([items[1][0], "9", "Mới", "", "%", None, 1, 9])  # an item added to a known set
    statuses = sheets["Kết quả tiêu chí"]
    statuses.append(["V-A1", 2024, statuses[1][2], "7", 5, None])  # no such item
    statuses.append(["V-A1", 2027, statuses[1][2], "2", 5, None])  # the set ended in 2026
    plan_rows = sheets["Kế hoạch của bản"]
    decided_col = schema.VILLAGE_PLANS.headers.index("Ngày xã quyết định")
    plan_rows.append(["KB-X", "V-A1", 2024, "Đã phê duyệt", "", "", "01/02/2024 08:00", None])
    plan_rows[1][decided_col] = "31/02/2023 09:00"
    errors = _errors(book(sheets))
    assert "không sửa ngưỡng" in errors[("Tiêu chí", 2, "")]
    assert "không thêm tiêu chí «9»" in errors[("Tiêu chí", len(items), "")]
    assert "không có tiêu chí mã «7»" in errors[("Kết quả tiêu chí", len(statuses) - 1, "")]
    assert "không áp dụng trong năm 2027" in errors[("Kết quả tiêu chí", len(statuses), "")]
    assert "31/02/2023 09:00" in errors[("Kế hoạch của bản", 2, "Ngày xã quyết định")]
    assert "cần «Ngày xã quyết định»" in errors[("Kế hoạch của bản", len(plan_rows), "")]


def test_only_the_org_board_enters_sets_and_a_commune_only_its_villages(loop, tree, personas):
    commune = personas["commune"]
    scope = Scope.for_user(commune)
    errors = _errors(
        book({"Bộ tiêu chí": rows(schema.CRITERIA_SETS, [NEW_SET])}), actor=commune, scope=scope
    )
    assert "quản trị của Ban Tổ chức" in errors[("Bộ tiêu chí", 2, "")]
    # The commune's own export, with the sets unchanged, loads without a change.
    data = exporter.build(tree.commune_a)
    result = importer.import_workbook(io.BytesIO(data), actor=commune, scope=scope, dry_run=True)
    assert not result.errors, result.errors
    # A result for a village of another commune is not the commune's to load.
    from chibo.organizations.models import Commune
    from chibo.organizations.services_villages import village_create

    other = Commune.objects.create(
        code="C-B", name="Bó", party_committee=tree.commune_b, valid_from=D(2015, 1, 1)
    )
    village_create(actor=None, kind="ban", code="V-B1", name="Bó", commune=other,
                   cell=tree.cell_b, valid_from=D(2015, 1, 1))  # fmt: skip
    sets = [
        [schema.CRITERIA_SETS.headers[0], *schema.CRITERIA_SETS.headers[1:]],
        ["S1", "village_ntm", "Tiêu chí bản NTM 2021–2025", "12/QĐ-UBND", "01/01/2021",
         "01/01/2026"],
    ]  # fmt: skip
    status = rows(
        schema.CRITERIA_STATUSES,
        [{"village": "V-B1", "year": 2022, "criteria_set": "S1", "item": "1", "value": 80}],
    )
    errors = _errors(book({"Bộ tiêu chí": sets, "Kết quả tiêu chí": status}), actor=commune,
                     scope=scope)  # fmt: skip
    assert "ngoài phạm vi" in errors[("Kết quả tiêu chí", 2, "")]
    assert Target.objects.filter(cell=tree.cell_b).count() == 0


def test_the_template_explains_the_criteria_and_plans_sheets(tmp_path):
    import openpyxl
    from django.core.management import call_command

    out = tmp_path / "mau.xlsx"
    call_command("template", out=str(out))
    wb = openpyxl.load_workbook(out, read_only=True)
    for sheet in SHEETS:
        assert [c.value for c in next(wb[sheet.name].iter_rows(max_row=1))] == sheet.headers
    guide = "\n".join(
        str(v) for r in wb[schema.GUIDE_SHEET].iter_rows(values_only=True) for v in r if v
    )
    assert "quản trị Ban Tổ chức nhập" in guide
    assert schema.VILLAGE_PLANS.help in guide and "Ngày xã quyết định" in guide
    assert "dd/mm/yyyy hh:mm" in guide
    assert "Đạt khi không quá ngưỡng" in guide  # the choices of «So với ngưỡng»


def test_a_file_that_replaces_a_running_set_ends_it_first(loop, tree):
    """chibo has the 2021–2025 set still open; the file ends it on 01/01/2026 and brings the
    2026–2030 set that replaces it."""
    data = exporter.build(tree.district)
    newer = CriteriaSet.objects.get(name="Tiêu chí bản NTM 2026–2030")
    CriteriaItem.objects.filter(criteria_set=newer).delete()
    newer.delete()
    CriteriaSet.objects.filter(name="Tiêu chí bản NTM 2021–2025").update(valid_to=None)
    result = importer.import_workbook(io.BytesIO(data), accept_warnings=True)
    assert not result.errors, result.errors
    counts = result.counts[schema.CRITERIA_SETS.name]
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (1, 1, 1)
    old = CriteriaSet.objects.get(name="Tiêu chí bản NTM 2021–2025")
    assert old.valid_to == D(2026, 1, 1)
    assert CriteriaSet.objects.get(name="Tiêu chí bản NTM 2026–2030").items.count() == 1
    event = AuditEvent.objects.filter(object_type="criteria.criteriaset", object_id=str(old.pk))
    assert event.latest("id").changes == {"valid_to": [None, "2026-01-01"]}
