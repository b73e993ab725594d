"""A full name is stored in four columns (the whole name, and the family, middle and given
names it is split into); each part too long for its column is refused with that part named, on
the form, in the member import and in the workbook import (issue 14: a 107-character name was
refused for "tối đa 60 kí tự" without a field, and the import stored a 91-character middle name
in a 60-character column)."""

import pytest

from chibo.accounts.scope import Scope
from chibo.members import rules
from chibo.members.models import Member
from chibo.members.spreadsheets import checking, reading
from chibo.members.tests.test_spreadsheets import row, xlsx
from chibo.members.tests.test_views import form_data

MIDDLE = " ".join(["Thị"] * 22) + " Văn Ánh Ý"  # the middle name of LONG: 97 characters
LONG = f"Hoàng {MIDDLE} Mới"


def test_the_rule_names_the_part_and_the_limit():
    assert len(LONG) == 107
    assert rules.name_length_messages(LONG) == [
        "Tên đệm (phần giữa họ và tên) dài 97 ký tự, tối đa 60 ký tự."
    ]
    assert rules.name_length_messages("Nguyễn Văn An") == []
    given = "A" * 41
    assert rules.name_length_messages(f"Lò {given}") == [
        "Tên (chữ cuối của họ và tên) dài 41 ký tự, tối đa 40 ký tự."
    ]


@pytest.mark.django_db
def test_the_form_says_which_part_is_too_long(tree, clients):
    r = clients["secretary_a"].post("/members/new/", form_data(cell=tree.cell_a.pk, full_name=LONG))
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert errors["full_name"] == ["Tên đệm (phần giữa họ và tên) dài 97 ký tự, tối đa 60 ký tự."]
    assert "tối đa 60 kí tự" not in r.content.decode()  # Django's message, without a field
    assert not Member.objects.filter(given_name="Mới", family_name="Hoàng").exists()


@pytest.mark.django_db
def test_the_import_refuses_the_row_naming_the_column(personas):
    scope = Scope.for_user(personas["commune"])
    clean, errors = checking.validate(reading.parse(xlsx([row(1, full_name=LONG)])), scope)
    assert [(e.row, e.column) for e in errors] == [(2, "Họ và tên*")]
    assert errors[0].message.endswith(
        ": tên đệm (phần giữa họ và tên) dài 97 ký tự, tối đa 60 ký tự."
    )
    assert clean == [] or all(c.fields["full_name"] != LONG for c in clean)


@pytest.mark.django_db
def test_the_workbook_import_refuses_it_too():
    from chibo.workbook import schema
    from chibo.workbook.tests.test_import import CELL, COMMUNE, ROOT, _errors, book, member, rows

    errors = _errors(
        book(
            {
                "Tổ chức": rows(schema.ORGANIZATIONS, [ROOT, COMMUNE, CELL]),
                "Đảng viên": rows(schema.MEMBERS, [member("18000001", LONG)]),
            }
        )
    )
    messages = {(e.row, e.column): e.message for e in errors}
    assert messages[(2, "Họ và tên")].endswith(
        "tên đệm (phần giữa họ và tên) dài 97 ký tự, tối đa 60 ký tự."
    )
