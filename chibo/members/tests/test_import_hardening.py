"""The member import reads only what the user sees, refuses macro workbooks, hidden and control
characters, invalid UTF-8 and negative card numbers; the forms refuse the same characters."""

import io
import zipfile

import openpyxl
import pytest

from chibo.accounts.scope import Scope
from chibo.members.models import Member
from chibo.members.spreadsheets import checking, layout, reading
from chibo.members.tests.test_spreadsheets import HEADERS, row, upload, xlsx
from chibo.workbook import spec

INVISIBLE = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE: "Văn An" displayed reversed
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u200b",  # ZERO WIDTH SPACE: two names that look the same
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\ufeff",  # BYTE ORDER MARK
    "\x07",  # BEL
    "\x85",  # a C1 control
    "\ufffd",  # what invalid UTF-8 becomes once decoded
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _with_hidden_first_sheet() -> bytes:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Ẩn"
    hidden.append(HEADERS)
    hidden.append(row(1, full_name="Người Ẩn Danh"))
    hidden.sheet_state = "hidden"
    shown = wb.create_sheet(layout.DATA_SHEET)
    shown.append(HEADERS)
    shown.append(row(2, full_name="Người Hiện Rõ"))
    wb.active = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
        extra = change("xl/vbaProject.bin", None)
        if extra is not None:
            dst.writestr("xl/vbaProject.bin", extra)
    return out.getvalue()


def _xlsm() -> bytes:
    def change(name, content):
        if name == "[Content_Types].xml":
            return content.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        if name == "xl/vbaProject.bin":
            return b"\xd0\xcf\x11\xe0 not really a VBA project"
        return content

    return _rezip(xlsx([row(1)]), change)


def _invalid_utf8() -> bytes:
    def change(name, content):
        if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
            return content.replace(b"Th&#225;i", b"Th\xff\xfei")
        return None if content is None else content

    return _rezip(xlsx([row(1)]), change)


def test_the_visible_sheet_is_read_not_a_hidden_first_one(personas):
    rows = reading.parse(_with_hidden_first_sheet())
    assert [r.values["full_name"] for r in rows] == ["Người Hiện Rõ"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make, message",
    [
        (_xlsm, "Tệp có macro (.xlsm)"),
        (_invalid_utf8, "Tệp bị hỏng"),
    ],
)
def test_macro_workbooks_and_invalid_utf8_are_refused(clients, make, message):
    response = upload(clients["commune"], make(), name="danh-sach.xlsm")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Member.objects.filter(full_name__startswith="Hoàng Văn M").count() == 0


# openpyxl refuses to write C0 controls; the check itself is the same function (spec.text's).
@pytest.mark.parametrize("ch", [c for c in INVISIBLE if c not in "\x07"])
def test_invisible_and_control_characters_are_row_errors(personas, ch):
    scope = Scope.for_user(personas["commune"])
    rows = reading.parse(
        xlsx([row(1, full_name=f"Hoàng Văn{ch} Mới"), row(2, residence=f"Bản{ch}")])
    )
    clean, errors = checking.validate(rows, scope)
    code = f"U+{ord(ch):04X}"
    assert [(e.row, e.column) for e in errors] == [(2, "Họ và tên*"), (3, "Nơi ở hiện nay")]
    assert all(code in e.message for e in errors)


@pytest.mark.parametrize("card", [-5, -1.0, "-0100001", 3.5])
def test_a_negative_or_fractional_card_number_is_refused(personas, card):
    scope = Scope.for_user(personas["commune"])
    clean, errors = checking.validate(reading.parse(xlsx([row(1, party_card_number=card)])), scope)
    assert [(e.row, e.column) for e in errors] == [(2, "Số thẻ đảng viên")]
    assert "Số thẻ đảng viên không hợp lệ" in errors[0].message


def test_a_card_number_cell_still_reads(personas):
    scope = Scope.for_user(personas["commune"])
    clean, errors = checking.validate(
        reading.parse(xlsx([row(1, party_card_number=99000001)])), scope
    )
    assert errors == []
    assert clean[0].fields["party_card_number"] == "99000001"


@pytest.mark.parametrize("ch", INVISIBLE)
def test_the_workbook_import_refuses_them_too(ch):
    with pytest.raises(spec.Invalid) as e:
        spec.text(f"Bản{ch} Mường")
    assert f"U+{ord(ch):04X}" in str(e.value)
    assert spec.text("Bản\tMường") == "Bản Mường"


@pytest.mark.django_db
@pytest.mark.parametrize("ch", ["\u202e", "\u200b", "\x07", "\ufffd"])
def test_the_member_form_refuses_them(clients, tree, ch):
    from chibo.accounts.tests.test_scope_matrix import member_form_data

    data = member_form_data(tree.member_a, occupation=f"Nông{ch} dân")
    response = clients["secretary_a"].post(f"/members/{tree.member_a.pk}/edit/", data)
    assert response.status_code == 200
    assert f"U+{ord(ch):04X}" in str(response.context["form"].errors["occupation"])
    tree.member_a.refresh_from_db()
    assert ch not in tree.member_a.occupation
