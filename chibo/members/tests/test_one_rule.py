"""A member's age, dates and duplicates are judged by one function (members.rules.review): the
form, the services, the member import and the workbook import give the same message for the same
record, the imports naming the member of the row."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from chibo.members import rules, services
from chibo.members.models import Member
from chibo.members.tests.test_spreadsheets import errors_of, media, row, upload, xlsx  # noqa: F401
from chibo.members.tests.test_views import form_data, snapshot
from chibo.workbook import importer, schema
from chibo.workbook.tests.test_import import CELL, COMMUNE, ROOT, book, member, rows

D = datetime.date
NAME = "Hoàng Văn Mới 1"  # the name of row(1) of the member import

# (form fields as typed, the field in error, the message beside it)
CASES = {
    "too_young": (
        {"birth_date": "20/05/1997", "admission_date": "19/05/2015", "official_date": "19/05/2016"},
        "admission_date",
        "Vào Đảng 19/05/2015 khi mới 17 tuổi (sinh 20/05/1997), chưa đủ 18 tuổi.",
    ),
    "official_before_probation_end": (
        {"birth_date": "02/03/1990", "admission_date": "19/05/2015", "official_date": "18/05/2016"},
        "official_date",
        "Ngày chính thức 18/05/2016 khi chưa đủ 12 tháng dự bị: vào Đảng 19/05/2015 thì sớm "
        "nhất là 19/05/2016.",
    ),
    "citizen_id_not_12_digits": (
        {"citizen_id": "01409000001"},
        "citizen_id",
        "Số CCCD phải gồm đúng 12 chữ số.",
    ),
    "card_of_another_member": (  # tree.member_a's card
        {"party_card_number": "01000001"},
        "party_card_number",
        "Số thẻ đảng viên 01000001 đã có trong danh sách đảng viên.",
    ),
}
HEADER = {f: c.header for c in schema.MEMBERS.columns for f in [c.attr]}


def _date(text):
    return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def _values(typed: dict) -> dict:
    return {k: _date(v) if k.endswith("_date") else v for k, v in typed.items()}


def named(name: str, message: str) -> str:
    return f"{name}: {message[0].lower()}{message[1:]}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_form_service_and_import_give_the_same_message(case, tree, clients):
    typed, field, message = CASES[case]
    before = snapshot()

    # the form: beside the field
    r = clients["secretary_a"].post("/members/new/", form_data(cell=tree.cell_a.pk, **typed))
    assert r.status_code == 200
    assert r.context["form"].errors[field] == [message]

    # the service, called directly (the API, a command): refused, with the same message
    fields = {
        "full_name": "Lường Văn Mới",
        "sex": "male",
        "birth_date": D(1990, 3, 2),
        "ethnicity": "Thái",
        "admission_date": D(2015, 5, 19),
        "official_date": D(2016, 5, 19),
        **_values(typed),
    }
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=None, cell=tree.cell_a, **fields)
    assert exc.value.message_dict == {field: [message]}

    # the member import: the row's member named
    got = errors_of(upload(clients["commune"], xlsx([row(1, **_values(typed))])))
    assert [(n, text) for n, _col, text in got] == [(2, named(NAME, message))]
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["too_young", "official_before_probation_end", "citizen_id"])
def test_the_workbook_import_gives_the_same_message(case):
    typed, field, message = CASES[case if case != "citizen_id" else "citizen_id_not_12_digits"]
    org_rows = rows(schema.ORGANIZATIONS, [ROOT, COMMUNE, CELL])
    data = book(
        {
            "Tổ chức": org_rows,
            "Đảng viên": rows(schema.MEMBERS, [member("18000001", "Lò Văn Nhỏ", **typed)]),
        }
    )
    before = Member.objects.count()
    result = importer.import_workbook(io.BytesIO(data))
    assert not result.written and Member.objects.count() == before
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, HEADER[field], named("Lò Văn Nhỏ", message))
    ]


@pytest.mark.django_db
def test_a_number_repeated_in_a_file_is_named_the_same_way_in_both_imports(clients, tree):
    message = "Số thẻ đảng viên 09900001 trùng với dòng 2 trong tệp."
    got = errors_of(
        upload(clients["commune"], xlsx([row(1), row(2, party_card_number="09900001")]))
    )
    assert got == [(3, "Số thẻ đảng viên", named("Hoàng Văn Mới 2", message))]

    org_rows = rows(schema.ORGANIZATIONS, [ROOT, COMMUNE, CELL])
    people = [
        member("09900001", "Lò Văn A"),
        member("R2", "Lò Văn B", party_card_number="09900001"),
    ]
    result = importer.import_workbook(
        io.BytesIO(book({"Tổ chức": org_rows, "Đảng viên": rows(schema.MEMBERS, people)}))
    )
    assert [(e.row, e.message) for e in result.errors] == [(3, named("Lò Văn B", message))]


def test_an_edit_is_answerable_only_for_what_it_changes():
    stored = {"birth_date": D(1997, 5, 20), "admission_date": D(2015, 5, 19), "citizen_id": "1"}
    unrelated = rules.Record({**stored, "ethnicity": "Thái"}, before=stored, pk=1)
    assert rules.review([unrelated], in_database=False) == ([], [])
    touched = rules.Record({**stored, "citizen_id": "2"}, before=stored, pk=1)
    errors, _ = rules.review([touched], in_database=False)
    assert [e.field for e in errors] == ["citizen_id"]
