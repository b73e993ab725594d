"""The member import and the register's rules: ethnicity by its official name, and warnings
listed by row, column and member, confirmed once for the whole file (web and command)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from chibo.core.models import AuditEvent
from chibo.members.models import Member
from chibo.members.tests.test_spreadsheets import (
    confirm,
    errors_of,
    row,
    stored,
    upload,
    xlsx,
)
from chibo.members.tests.test_spreadsheets import media as media  # noqa: PLC0414  autouse fixture

D = datetime.date


def warned_rows():
    return [
        row(1),
        row(
            2,
            birth_date=D(1970, 1, 1),
            admission_date=D(1998, 5, 12),
            official_date=None,
            ethnicity="H'Mông",
        ),
        row(3, official_date=D(2016, 12, 1)),
    ]


WARNINGS = [
    (
        3,
        "Ngày chính thức",
        "Hoàng Văn Mới 2",
        "Hoàng Văn Mới 2 vào Đảng 12/05/1998, đã quá 12 tháng dự bị nhưng chưa có ngày chính thức.",
    ),
    (
        4,
        "Ngày chính thức",
        "Hoàng Văn Mới 3",
        "Hoàng Văn Mới 3: ngày chính thức 01/12/2016 muộn hơn 3 tháng sau khi hết dự bị "
        "(01/06/2016): hãy kiểm tra lại.",
    ),
]


def test_preview_lists_the_warnings_and_confirm_needs_the_box(clients, media):
    client = clients["commune"]
    response = upload(client, xlsx(warned_rows()))
    assert response.status_code == 200
    assert [tuple(w) for w in response.context["warnings"]] == WARNINGS
    body = response.content.decode()
    assert "Tệp hợp lệ: 3 đảng viên sẵn sàng để nhập." in body
    assert "Có 2 cảnh báo" in body
    assert "<td>Hoàng Văn Mới 2</td>" in body
    assert "Tôi đã kiểm tra 2 cảnh báo, vẫn nhập cả tệp" in body
    token = response.context["token"]
    before = (Member.objects.count(), AuditEvent.objects.count())

    # Without the box: the preview again, nothing written, the upload kept for the next try.
    response = confirm(client, token)
    assert response.status_code == 400
    assert "Hãy đánh dấu ô xác nhận các cảnh báo rồi bấm nhập." in response.content.decode()
    assert response.context["token"] == token
    assert (Member.objects.count(), AuditEvent.objects.count()) == before
    assert f"{token}.xlsx" in stored(media)

    response = client.post(
        reverse("members:import_confirm", args=[token]), {"accept_warnings": "on"}
    )
    assert response.status_code == 302
    assert Member.objects.count() == before[0] + 3
    second = Member.objects.get(full_name="Hoàng Văn Mới 2")
    assert (second.ethnicity, second.official_date) == ("Mông", None)
    assert stored(media) == []


def test_a_file_without_warnings_confirms_without_the_box(clients):
    client = clients["commune"]
    response = upload(client, xlsx([row(1, ethnicity="ê-đê")]))
    assert response.context["warnings"] == []
    assert "accept_warnings" not in response.content.decode()
    assert confirm(client, response.context["token"]).status_code == 302
    assert Member.objects.get(full_name="Hoàng Văn Mới 1").ethnicity == "Ê Đê"


def test_unknown_ethnicity_is_an_error_with_the_nearest_name(clients):
    got = errors_of(upload(clients["commune"], xlsx([row(1, ethnicity="Kihn")])))
    assert got == [
        (
            2,
            "Dân tộc*",
            "Hoàng Văn Mới 1: dân tộc «Kihn» không có trong danh mục 54 dân tộc; có phải «Kinh»?",
        )
    ]


def test_official_date_before_probation_end_is_an_error(clients):
    got = errors_of(upload(clients["commune"], xlsx([row(1, official_date=D(2016, 5, 31))])))
    assert got == [
        (
            2,
            "Ngày chính thức",
            "Hoàng Văn Mới 1: ngày chính thức 31/05/2016 khi chưa đủ 12 tháng dự bị: vào Đảng "
            "01/06/2015 thì sớm nhất là 01/06/2016.",
        )
    ]


def test_command_stops_on_warnings_unless_accepted(tree, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(warned_rows()))
    before = Member.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="Có 2 cảnh báo; không nhập đảng viên nào"):
        call_command("import_members", str(path), stderr=err)
    assert (
        "Cảnh báo: dòng 3, cột «Ngày chính thức»: Hoàng Văn Mới 2 vào Đảng 12/05/1998, đã quá "
        "12 tháng dự bị nhưng chưa có ngày chính thức." in err.getvalue()
    )
    assert "Cảnh báo: dòng 4, cột «Ngày chính thức»: Hoàng Văn Mới 3: " in err.getvalue()
    assert Member.objects.count() == before

    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", str(path), "--accept-warnings", stdout=out, stderr=err)
    assert "Đã nhập 3 đảng viên" in out.getvalue()
    assert "Cảnh báo: dòng 3" in err.getvalue()
    assert Member.objects.count() == before + 3
