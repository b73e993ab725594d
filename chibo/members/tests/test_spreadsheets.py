"""Members from and to .xlsx: template, upload → preview → confirm, bad files, export, commands."""

import datetime
import io
import os

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from chibo.accounts.scope import Scope
from chibo.core.models import AuditEvent
from chibo.core.web import XLSX_CONTENT_TYPE
from chibo.members import services
from chibo.members.models import Member, Membership
from chibo.members.spreadsheets import checking, layout, reading
from conftest import make_member

HEADERS = [c.header for c in layout.COLUMNS]
GOOD = {
    "full_name": "Hoàng Văn Mới",
    "sex": "Nam",
    "birth_date": datetime.date(1990, 4, 15),
    "ethnicity": "Thái",
    "admission_date": datetime.date(2015, 6, 1),
    "official_date": datetime.date(2016, 6, 1),
    "theory_level": "Sơ cấp",
    "cell_code": "XA-01",
}


def row(n, **over):
    values = {
        **GOOD,
        "full_name": f"Hoàng Văn Mới {n}",
        "citizen_id": f"0140900{n:05d}",
        "party_card_number": f"0990{n:04d}",
        **over,
    }
    return [values.get(c.field) for c in layout.COLUMNS]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="danh-sach.xlsx"):
    return client.post(reverse("members:import"), {"file": SimpleUploadedFile(name, data)})


def confirm(client, token):
    return client.post(reverse("members:import_confirm", args=[token]))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media):
    folder = media / "imports"
    return sorted(os.listdir(folder)) if folder.exists() else []


# --- template and the good path --------------------------------------------------------------


def test_template_downloads_and_reimports_as_no_rows(clients, media):
    response = clients["commune"].get(reverse("members:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Đảng viên", "Hướng dẫn", "Dân tộc"]
    ethnic = [r[0].value for r in wb["Dân tộc"].iter_rows()]
    assert len(ethnic) == 54 and ethnic[:3] == ["Kinh", "Tày", "Thái"] and "Mông" in ethnic
    assert [c.value for c in wb["Đảng viên"][1]] == HEADERS
    guide = "\n".join(str(c.value) for r in wb["Hướng dẫn"].iter_rows() for c in r if c.value)
    assert "Chưa qua đào tạo, Sơ cấp, Trung cấp, Cao cấp, Cử nhân" in guide
    assert "Mã chi bộ*" in guide
    lists = [dv.formula1 for dv in wb["Đảng viên"].data_validations.dataValidation]
    assert '"Nam,Nữ"' in lists
    assert "'Dân tộc'!$A$1:$A$54" in lists

    before = Member.objects.count()
    response = upload(clients["commune"], response.content, "mau.xlsx")
    assert response.status_code == 400
    assert "Tệp không có dòng dữ liệu nào" in response.content.decode()
    assert Member.objects.count() == before
    assert stored(media) == []


def test_good_file_imports_as_commune_staff(clients, personas, tree, media):
    before = Member.objects.count()
    rows = [
        row(1),
        # probationary, admitted less than 12 months ago: no warning to confirm
        row(
            2,
            cell_code="XA-02",
            sex="Nữ",
            theory_level="",
            admission_date=datetime.date.today() - datetime.timedelta(days=100),
            official_date=None,
        ),
        # Dates typed as dd/mm/yyyy text are accepted, as are real dates.
        row(3, birth_date="03/02/1985", admission_date="19/05/2010", official_date="19/05/2011"),
    ]
    response = upload(clients["commune"], xlsx(rows))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tệp hợp lệ: 3 đảng viên" in body
    assert "Chi bộ bản Đông" in body  # the per-cell summary
    token = response.context["token"]
    assert reverse("members:import_confirm", args=[token]) in body
    assert Member.objects.count() == before  # nothing before the confirmation
    assert f"{token}.xlsx" in stored(media)

    response = confirm(clients["commune"], token)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:list")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã nhập 3 đảng viên"]
    assert Member.objects.count() == before + 3
    third = Member.objects.get(citizen_id="014090000003")
    assert (third.birth_date, third.admission_date) == (
        datetime.date(1985, 2, 3),
        datetime.date(2010, 5, 19),
    )
    assert (third.given_name, third.family_name, third.cell) == ("3", "Hoàng", tree.cell_a)
    assert third.search_text.startswith("hoang van moi 3")
    second = Member.objects.get(citizen_id="014090000002")
    assert (second.sex, second.theory_level, second.official_date) == ("female", "none", None)
    assert second.cell == tree.cell_a2 and second.religion == "Không"
    memberships = Membership.objects.filter(member__citizen_id__startswith="0140900")
    assert {(m.reason, m.start == m.member.admission_date, m.end) for m in memberships} == {
        (Membership.Reason.ADMITTED, True, None)  # «Kết nạp» in the statistics, as the workbook's
    }
    creates = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE,
        object_type="members.member",
        object_id__in=[str(third.pk), str(second.pk)],
    )
    assert {e.actor for e in creates} == {personas["commune"]}
    assert creates.get(object_id=str(third.pk)).changes["citizen_id"] == "014090000003"
    summary = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert summary.actor == personas["commune"]
    assert summary.changes["count"] == [None, 3]
    assert summary.changes["cells"] == [None, {"XA-01": 2, "XA-02": 1}]
    assert stored(media) == []  # the upload is gone once imported
    assert confirm(clients["commune"], token).status_code == 404  # and cannot be replayed


# --- files refused as a whole ----------------------------------------------------------------


def _empty_workbook():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def _formulas():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(row(1))
    ws.append(row(2))
    ws["A3"] = "=A2"
    ws["K2"] = '=HYPERLINK("http://example.com","x")'
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BAD_FILES = {
    "random bytes": (lambda: os.urandom(4096), "không phải bảng tính Excel"),
    "text renamed": (lambda: "Họ và tên\nNguyễn Văn A\n".encode(), "không phải bảng tính Excel"),
    "csv": (lambda: ",".join(HEADERS).encode() + b"\nA,,Nam\n", "không phải bảng tính Excel"),
    "xls or password": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls"),
    "empty workbook": (_empty_workbook, "Tệp trống"),
    "header only": (lambda: xlsx([]), "Tệp không có dòng dữ liệu nào"),
    "wrong headers": (
        lambda: xlsx([["Nguyễn Văn A", "Nam"]], headers=["Họ tên", "Giới tính*", "Ghi chú"]),
        "thiếu cột: Họ và tên*, Tên gọi khác",
    ),
    "formulas": (_formulas, "Tệp có công thức (ô K2, A3)"),
    "data without header": (
        lambda: xlsx([row(1) + [None, None, "ghi chú"]]),
        "Ô W2 có dữ liệu nhưng cột của nó không có tiêu đề",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_refused_with_a_message(clients, media, kind):
    make, message = BAD_FILES[kind]
    before = Member.objects.count()
    response = upload(clients["commune"], make())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Member.objects.count() == before
    assert stored(media) == []


def test_wrong_headers_name_the_unknown_ones():
    data = xlsx([row(1)], headers=[*HEADERS[:-1], "Chi bộ"])
    with pytest.raises(reading.SpreadsheetError) as exc:
        reading.parse(data)
    assert "thiếu cột: Mã chi bộ*" in exc.value.message
    assert "cột không có trong mẫu: Chi bộ" in exc.value.message


def test_hundred_thousand_rows_are_refused_while_streaming(clients, media):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for _ in range(100_000):
        ws.append(["Nguyễn Văn A"])
    out = io.BytesIO()
    wb.save(out)
    before = Member.objects.count()
    response = upload(clients["commune"], out.getvalue())
    assert response.status_code == 400
    assert "Tệp có quá nhiều dòng: mỗi lần chỉ nhập tối đa 20.000 dòng" in (
        response.content.decode()
    )
    assert Member.objects.count() == before


def test_file_over_the_size_limit_is_refused(clients, settings):
    settings.CHIBO_IMPORT_MAX_BYTES = 2000
    before = Member.objects.count()
    response = upload(clients["commune"], xlsx([row(i) for i in range(1, 60)]))
    assert response.status_code == 400
    assert "Tệp lớn quá" in response.content.decode()
    assert Member.objects.count() == before


# --- files with bad rows: preview lists every error, nothing written ----------------------------


def errors_of(response):
    assert response.status_code == 200
    assert response.context["token"] is None
    body = response.content.decode()
    assert "Danh sách lỗi" in body
    assert "/confirm/" not in body and "Xác nhận nhập" not in body
    return [(e.row, e.column, e.message) for e in response.context["errors"]]


def test_one_bad_row_among_good_ones_writes_nothing(clients, media):
    rows = [row(1), row(2), row(3, sex="X", birth_date="31/02/1990"), row(4)]
    before = Member.objects.count()
    response = upload(clients["commune"], xlsx(rows))
    assert errors_of(response) == [
        (4, "Giới tính*", "Chỉ nhận «Nam» hoặc «Nữ»."),
        (4, "Ngày sinh*", "Ngày không hợp lệ: «31/02/1990». Hãy nhập dạng dd/mm/yyyy."),
    ]
    body = response.content.decode()
    assert "Tệp có 2 lỗi ở 1 dòng" in body
    assert "Xác nhận nhập" not in body
    assert Member.objects.count() == before
    assert stored(media) == []


def test_row_checks(clients):
    today = datetime.date.today()
    soon = (today + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    rows = [
        row(1, full_name="", ethnicity=None, cell_code=None),
        row(
            2,
            birth_date=datetime.date(2000, 6, 2),
            admission_date=datetime.date(2018, 6, 1),
            official_date=None,
        ),
        row(3, official_date=datetime.date(2015, 5, 31)),
        row(4, admission_date=today + datetime.timedelta(days=3), official_date=None),
        row(5, citizen_id="01409000"),
        row(6, theory_level="Đại học"),
        row(7, birth_date=19850302),
        row(8, full_name="A" * 121),
    ]
    got = errors_of(upload(clients["commune"], xlsx(rows)))
    assert got == [
        (2, "Họ và tên*", "Bắt buộc, không được để trống."),
        (2, "Dân tộc*", "Bắt buộc, không được để trống."),
        (2, "Mã chi bộ*", "Bắt buộc, không được để trống."),
        (
            3,
            "Ngày vào Đảng*",
            "Hoàng Văn Mới 2: vào Đảng 01/06/2018 khi mới 17 tuổi (sinh 02/06/2000), chưa đủ "
            "18 tuổi.",
        ),
        (
            4,
            "Ngày chính thức",
            "Hoàng Văn Mới 3: ngày chính thức 31/05/2015 trước ngày vào Đảng 01/06/2015.",
        ),
        (5, "Ngày vào Đảng*", f"Hoàng Văn Mới 4: ngày vào Đảng {soon} ở tương lai."),
        (6, "Số CCCD", "Hoàng Văn Mới 5: số CCCD phải gồm đúng 12 chữ số."),
        (
            7,
            "Lý luận chính trị",
            "Chỉ nhận một trong: Chưa qua đào tạo, Sơ cấp, Trung cấp, Cao cấp, Cử nhân.",
        ),
        (8, "Ngày sinh*", "Ngày không hợp lệ: «19850302». Hãy nhập dạng dd/mm/yyyy."),
        (9, "Họ và tên*", "Dài quá 120 ký tự."),
    ]


def test_duplicates_inside_the_file_and_against_the_database(clients, tree):
    rows = [
        row(1),
        row(2, citizen_id="014090000001"),  # same CCCD as row 2 of the file
        row(3, party_card_number="01000001"),  # card of tree.member_a
        row(4, citizen_id="014080000002"),  # CCCD of tree.member_b, in another commune
    ]
    before = Member.objects.count()
    got = errors_of(upload(clients["commune"], xlsx(rows)))
    assert got == [
        (3, "Số CCCD", "Hoàng Văn Mới 2: số CCCD 014090000001 trùng với dòng 2 trong tệp."),
        (
            4,
            "Số thẻ đảng viên",
            "Hoàng Văn Mới 3: số thẻ đảng viên 01000001 đã có trong danh sách đảng viên.",
        ),
        (5, "Số CCCD", "Hoàng Văn Mới 4: số CCCD 014080000002 đã có trong danh sách đảng viên."),
    ]
    assert Member.objects.count() == before


def test_cell_outside_the_scope_reads_like_a_missing_code(clients):
    rows = [row(1, cell_code="XB-01"), row(2, cell_code="ZZ-99"), row(3, cell_code="XA")]
    got = errors_of(upload(clients["commune"], xlsx(rows)))
    assert got == [
        (2, "Mã chi bộ*", "Không có chi bộ mã «XB-01» trong phạm vi bạn được nhập."),
        (3, "Mã chi bộ*", "Không có chi bộ mã «ZZ-99» trong phạm vi bạn được nhập."),
        (
            4,
            "Mã chi bộ*",
            "Mã «XA» không phải là mã của một chi bộ: đảng viên sinh hoạt ở chi bộ, hãy ghi mã "
            "chi bộ của đảng viên.",
        ),
    ]


def test_outsider_cannot_import_into_cell_a(clients):
    before = Member.objects.count()
    got = errors_of(upload(clients["secretary_b"], xlsx([row(1), row(2, cell_code="XB-01")])))
    assert got == [(2, "Mã chi bộ*", "Không có chi bộ mã «XA-01» trong phạm vi bạn được nhập.")]
    assert Member.objects.count() == before


@pytest.mark.parametrize("persona", ["analyst", "member_a", "official"])
def test_read_only_users_get_404_on_import(clients, persona):
    client = clients[persona]
    assert client.get(reverse("members:import")).status_code == 404
    assert client.get(reverse("members:import_template")).status_code == 404
    before = Member.objects.count()
    assert upload(client, xlsx([row(1)])).status_code == 404
    assert confirm(client, "0" * 32).status_code == 404
    assert Member.objects.count() == before


def test_upload_page_for_a_writer(clients):
    response = clients["secretary_a"].get(reverse("members:import"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("members:import_template") in body
    assert 'enctype="multipart/form-data"' in body


# --- confirm ---------------------------------------------------------------------------------


def test_confirm_with_another_users_token_is_404(clients, media):
    token = upload(clients["commune"], xlsx([row(1)])).context["token"]
    before = Member.objects.count()
    assert confirm(clients["secretary_a"], token).status_code == 404
    assert confirm(clients["admin"], token).status_code == 404
    assert confirm(clients["commune"], "..%2F..%2Fsettings").status_code == 404
    assert confirm(clients["commune"], "f" * 32).status_code == 404
    assert (
        clients["commune"].get(reverse("members:import_confirm", args=[token])).status_code == 405
    )
    assert Member.objects.count() == before
    # The owner's upload is untouched by the attempts.
    assert confirm(clients["commune"], token).status_code == 302
    assert Member.objects.count() == before + 1


def test_confirm_checks_the_database_again(clients, tree, media):
    token = upload(clients["commune"], xlsx([row(1), row(2)])).context["token"]
    make_member(tree.cell_a2, "Người Khác", card="09900002")  # takes row 3's card meanwhile
    before = Member.objects.count()
    response = confirm(clients["commune"], token)
    assert response.status_code == 409
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "Số thẻ đảng viên")]
    assert "Chưa nhập đảng viên nào" in response.content.decode()
    assert Member.objects.count() == before
    assert stored(media) == []


def test_members_import_rechecks_inside_its_transaction(tree, personas):
    scope = Scope.for_user(personas["commune"])
    clean, errors = checking.validate(reading.parse(xlsx([row(1), row(2)])), scope)
    assert errors == [] and len(clean) == 2
    make_member(tree.cell_a, "Người Khác", cid="014090000002")
    before = (Member.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(checking.ImportRejected) as exc:
        services.members_import(rows=clean, actor=personas["commune"])
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "Số CCCD")]
    after = (Member.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_number_cells_for_citizen_ids_get_their_leading_zero_back(personas):
    scope = Scope.for_user(personas["commune"])
    clean, errors = checking.validate(reading.parse(xlsx([row(1, citizen_id=14090000001)])), scope)
    assert errors == []
    assert clean[0].fields["citizen_id"] == "014090000001"


# --- export ----------------------------------------------------------------------------------


def exported(client, query=""):
    response = client.get(reverse("members:export") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-dang-vien-')
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Đảng viên"]
    rows = list(ws.iter_rows())
    # The import's columns, then the cell's name and the status (issue 14: the code alone).
    assert [c.value for c in rows[0]] == [*HEADERS, "Tên chi bộ", "Trạng thái"]
    by_name = {r[0].value: r for r in rows[1:]}
    return response, by_name


def test_export_masks_citizen_ids_for_the_analyst_only(clients, tree):
    col = HEADERS.index("Số CCCD")
    _, admin = exported(clients["admin"])
    _, analyst = exported(clients["analyst"])
    assert set(admin) == set(analyst) == {"Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình"}
    assert admin["Nguyễn Văn An"][col].value == "014080000001"
    assert analyst["Nguyễn Văn An"][col].value == "•••••••••001"
    assert "014080000001" not in str([[c.value for c in r] for r in analyst.values()])
    an = admin["Nguyễn Văn An"]
    assert an[HEADERS.index("Ngày sinh*")].value.date() == datetime.date(1980, 3, 2)
    assert an[HEADERS.index("Ngày sinh*")].number_format == "DD/MM/YYYY"
    assert an[HEADERS.index("Mã chi bộ*")].value == "XA-01"
    assert an[len(HEADERS)].value == tree.cell_a.name == "Chi bộ bản Áng"
    assert an[len(HEADERS) + 1].value == "Đang sinh hoạt"
    assert an[HEADERS.index("Giới tính*")].value == "Nam"
    assert admin["Lò Thị Ánh"][HEADERS.index("Lý luận chính trị")].value == "Sơ cấp"


def test_export_neutralizes_formulas(clients, tree):
    services.member_create(
        actor=None,
        cell=tree.cell_a,
        full_name="Vì Văn Công",
        sex="male",
        birth_date=datetime.date(1970, 1, 1),
        ethnicity="Thái",
        admission_date=datetime.date(2000, 1, 1),
        other_names='=HYPERLINK("http://evil.example","bấm")',
        occupation="+84 nông dân",
    )
    _, rows = exported(clients["admin"])
    cell = rows["Vì Văn Công"][HEADERS.index("Tên gọi khác")]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","bấm")'
    assert rows["Vì Văn Công"][HEADERS.index("Nghề nghiệp")].value == "'+84 nông dân"


def test_export_follows_the_scope_and_the_filters(clients, tree):
    _, rows = exported(clients["secretary_b"])
    assert set(rows) == {"Cầm Văn Bình"}
    assert {r[HEADERS.index("Mã chi bộ*")].value for r in rows.values()} == {"XB-01"}
    _, rows = exported(clients["commune"], f"?org={tree.cell_a.pk}&sex=female")
    assert set(rows) == {"Lò Thị Ánh"}
    assert (
        clients["secretary_b"].get(reverse("members:export") + f"?org={tree.cell_a.pk}").status_code
        == 404
    )
    response = clients["commune"].get(reverse("members:export") + "?status=bogus")
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()
    assert clients["member_a"].get(reverse("members:export")).status_code == 404


def test_an_export_reimports(clients, tree, personas):
    Member.objects.filter(pk=tree.member_b.pk).update(other_names="-Bình-")
    response, _ = exported(clients["admin"])
    rows = reading.parse(response.content)
    assert [r.values["full_name"] for r in rows] == ["Nguyễn Văn An", "Lò Thị Ánh", "Cầm Văn Bình"]
    clean, errors = checking.validate(rows, Scope.for_user(personas["admin"]))
    # Only the uniqueness checks fail: these members are already in the database.
    assert errors and all("đã có trong danh sách" in e.message for e in errors)
    Member.objects.all().update(citizen_id=None, party_card_number=None)
    clean, errors = checking.validate(rows, Scope.for_user(personas["admin"]))
    assert errors == []
    assert [r.fields["other_names"] for r in clean] == ["", "", "-Bình-"]
    assert clean[0].fields["birth_date"] == datetime.date(1980, 3, 2)


# --- management commands ---------------------------------------------------------------------


def test_import_command(tree, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([row(1), row(2, cell_code="XB-01")]))
    out = io.StringIO()
    before = Member.objects.count()
    call_command("import_members", str(path), stdout=out)
    assert "Đã nhập 2 đảng viên" in out.getvalue()
    assert Member.objects.count() == before + 2
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).actor is None


def test_import_command_refuses_errors_and_writes_nothing(personas, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([row(1), row(2, cell_code="XB-01")]))
    err = io.StringIO()
    before = Member.objects.count()
    with pytest.raises(CommandError, match="Có 1 lỗi; không nhập đảng viên nào"):
        call_command("import_members", str(path), "--as", "secretary_b", stderr=err)
    assert "Dòng 2, cột «Mã chi bộ*»: Không có chi bộ mã «XA-01»" in err.getvalue()
    (tmp_path / "bad.xlsx").write_bytes(b"not a spreadsheet")
    with pytest.raises(CommandError, match="không phải bảng tính Excel"):
        call_command("import_members", str(tmp_path / "bad.xlsx"))
    with pytest.raises(CommandError, match="không có quyền nhập"):
        call_command("import_members", str(path), "--as", "analyst")
    assert Member.objects.count() == before


def test_export_command(tree, tmp_path):
    out = tmp_path / "xa.xlsx"
    call_command("export_members", "--org", "XA", "--out", str(out), stdout=io.StringIO())
    ws = openpyxl.load_workbook(out)["Đảng viên"]
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["Nguyễn Văn An", "Lò Thị Ánh"]
    first = next(ws.iter_rows(min_row=2, values_only=True))
    assert first[HEADERS.index("Số CCCD")] == "014080000001"  # the command is not masked
    with pytest.raises(CommandError):
        call_command("export_members", "--org", "NOPE", "--out", str(out))
