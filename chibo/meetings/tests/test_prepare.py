"""The preparation page: scope, the agenda (removed, not deleted), materials (type by content,
size, safe storage, scoped download, withdrawn not deleted), invitations (in-app and e-mail after
the commit), the late-materials warning, the cell's targets."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from chibo.accounts.models import Notification, User
from chibo.core.dates import today
from chibo.core.models import AuditEvent
from chibo.meetings.models import AgendaItem, CellMeeting, Material
from chibo.meetings.prepare import services as services_prepare
from chibo.meetings.schedule import add_months, first_of_month
from chibo.targets.models import Target
from conftest import login_client, make_member

from .core_helpers import D, follow, meeting_of

pytestmark = pytest.mark.django_db
WRITERS = ["admin", "commune", "secretary_a"]
OTHERS = ["analyst", "official", "member_a", "secretary_b"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100


def docx_bytes():
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Báo cáo tháng 3")
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes():
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Chỉ tiêu"
    wb.save(buf)
    return buf.getvalue()


def odt_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, meeting, name, data, title=""):
    f = io.BytesIO(data)
    f.name = name
    return client.post(
        reverse("meetings:material_upload", args=[meeting.pk]), {"file": f, "name": title}
    )


# --- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", WRITERS + OTHERS)
def test_the_preparation_page_is_for_write_roles(tree, personas, who):
    m = meeting_of(tree.cell_a)
    client = login_client(personas[who])
    r = client.get(reverse("meetings:prepare", args=[m.pk]))
    assert r.status_code == (200 if who in WRITERS else 404)
    item = m.agenda.first()
    r = client.post(reverse("meetings:agenda_remove", args=[item.pk]))
    item.refresh_from_db()
    assert item.removed is (who in WRITERS)
    if who not in WRITERS:
        assert r.status_code == 404
        r = client.post(reverse("meetings:invite", args=[m.pk]))
        assert r.status_code == 404 and not Notification.objects.exists()
    else:
        page = client.get(reverse("meetings:prepare", args=[m.pk])).content.decode()
        assert "Tuyên bố lý do" in page and "Phần mở đầu" in page


# --- agenda -----------------------------------------------------------------------------------


def test_the_agenda_is_adjusted_and_nothing_deleted(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    r = client.post(
        reverse("meetings:agenda_add", args=[m.pk]),
        {"section": "business", "title": "Bàn việc làm đường"},
    )
    assert r.status_code == 302
    titles = list(m.agenda.order_by("order").values_list("section", "title"))
    # The new item closes the business part, before the closing part.
    assert titles[7] == ("business", "Bàn việc làm đường")
    assert titles[8][0] == "closing" and len(titles) == 11
    item = m.agenda.get(title="Bàn việc làm đường")
    client.post(
        reverse("meetings:agenda_edit", args=[item.pk]), {"title": "Bàn việc làm đường bản"}
    )
    first = m.agenda.order_by("order").first()
    client.post(reverse("meetings:agenda_remove", args=[first.pk]))
    first.refresh_from_db()
    assert first.removed and AgendaItem.objects.filter(meeting=m).count() == 11
    detail = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Bàn việc làm đường bản" in detail and first.title not in detail
    client.post(reverse("meetings:agenda_remove", args=[first.pk]), {"restore": "1"})
    first.refresh_from_db()
    assert not first.removed
    assert AuditEvent.objects.filter(object_type="meetings.agendaitem").count() == 4
    r = client.post(
        reverse("meetings:agenda_add", args=[m.pk]), {"section": "x", "title": ""}, follow=True
    )
    assert m.agenda.count() == 11
    # Shown above the page, away from the form: each error after its field's label.
    text = r.content.decode()
    assert "Phần: Hãy chọn" in text and "Nội dung: Trường này là bắt buộc." in text


def test_a_confirmed_meeting_is_not_prepared_any_more(tree, personas):
    m = meeting_of(tree.cell_a)
    CellMeeting.objects.filter(pk=m.pk).update(status="confirmed")
    client = login_client(personas["secretary_a"])
    r = client.post(
        reverse("meetings:agenda_add", args=[m.pk]),
        {"section": "business", "title": "X"},
        follow=True,
    )
    assert "đã được Đảng ủy xác nhận" in r.content.decode()
    assert m.agenda.count() == 10


def test_topic_and_day(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    client.post(
        reverse("meetings:prepare_topic", args=[m.pk]),
        {"topic": "Học tập Bác", "scheduled_date": "2023-03-23"},
    )
    m.refresh_from_db()
    assert m.topic == "Học tập Bác" and m.scheduled_date == D(2023, 3, 23)
    r = client.post(
        reverse("meetings:prepare_topic", args=[m.pk]),
        {"topic": "Học tập Bác", "scheduled_date": "2023-04-02"},
        follow=True,
    )
    assert "Ngày dự kiến phải trong tháng 03/2023." in r.content.decode()


# --- materials --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("Nghị quyết tháng 3.pdf", PDF, "application/pdf"),
        ("bao cao.docx", None, "wordprocessingml"),
        ("chi tieu.xlsx", None, "spreadsheetml"),
        ("van ban.odt", None, "opendocument.text"),
        ("anh.PNG", PNG, "image/png"),
        ("anh.jpg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_materials(tree, personas, media, name, data, kind):
    makers = {"word": docx_bytes, "spre": xlsx_bytes, "open": odt_bytes}
    data = data or makers[kind[:4]]()
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    r = upload(client, m, name, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    mat = Material.objects.get()
    assert kind in mat.content_type and mat.size == len(data)
    path = mat.file.path
    assert path.startswith(str(media)) and os.path.exists(path)
    base = os.path.basename(path)
    assert base.isascii() and " " not in base
    with open(path, "rb") as f:
        assert f.read() == data
    m.refresh_from_db()
    assert m.materials_posted_at is not None


def test_material_names_and_download_scope(tree, personas, media):
    m = meeting_of(tree.cell_a)
    upload(
        login_client(personas["secretary_a"]), m, "../../Nghị quyết tháng 3.pdf", PDF, "Nghị quyết"
    )
    mat = Material.objects.get()
    assert mat.name == "Nghị quyết"
    assert os.path.basename(mat.file.name) == "nghi-quyet-thang-3.pdf"
    assert ".." not in mat.file.name
    url = reverse("meetings:material_download", args=[mat.pk])
    for who in ("analyst", "official", "member_a", "commune"):
        r = login_client(personas[who]).get(url)
        assert r.status_code == 200, who
        assert b"".join(r.streaming_content) == PDF
        assert r["Content-Type"] == "application/pdf"
        assert r["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in r["Content-Disposition"]
    assert login_client(personas["secretary_b"]).get(url).status_code == 404
    # Withdrawn: gone for everybody, kept on disk and in the table.
    r = login_client(personas["official"]).post(
        reverse("meetings:material_withdraw", args=[mat.pk])
    )
    assert r.status_code == 404
    login_client(personas["secretary_a"]).post(reverse("meetings:material_withdraw", args=[mat.pk]))
    mat.refresh_from_db()
    assert mat.withdrawn_at is not None and os.path.exists(mat.file.path)
    assert login_client(personas["analyst"]).get(url).status_code == 404
    page = login_client(personas["secretary_a"]).get(reverse("meetings:prepare", args=[m.pk]))
    assert "1 tài liệu đã rút" in page.content.decode()


@pytest.mark.parametrize(
    "name, data, text",
    [
        ("nghi-quyet.pdf", EXE, "chương trình chạy được"),
        ("nghi-quyet.pdf", ELF, "chương trình chạy được"),
        ("setup.exe", EXE, "chương trình chạy được"),
        ("bao-cao.docx", PDF, "Tên tệp có đuôi “.docx” nhưng nội dung là PDF"),
        ("anh.png", JPEG, "nội dung là JPEG"),
        ("ghi-chu.pdf", b"Just some text, not a PDF", "Không nhận dạng được nội dung tệp"),
        ("nen.zip", b"PK\x03\x04" + b"\x00" * 40, "Không nhận dạng được"),
        ("rong.pdf", b"", "Tệp rỗng"),
    ],
)
def test_refused_materials(tree, personas, media, name, data, text):
    m = meeting_of(tree.cell_a)
    r = upload(login_client(personas["secretary_a"]), m, name, data)
    assert r.status_code == 400
    assert text in r.content.decode()
    assert not Material.objects.exists()
    assert not os.path.exists(media) or not any(files for _, _, files in os.walk(media))


def test_a_file_over_the_limit(tree, personas, media, settings):
    settings.CHIBO_MATERIAL_MAX_BYTES = 1024
    m = meeting_of(tree.cell_a)
    r = upload(login_client(personas["secretary_a"]), m, "lon.pdf", PDF + b"0" * 5000)
    assert r.status_code == 413
    assert "Tệp quá lớn; chỉ nhận tệp đến 0 MB." in r.content.decode()
    assert not Material.objects.exists()


class Body:
    """A multipart body of a 200 MB "PDF", produced as it is read (never held in memory)."""

    BOUNDARY = "chiboBOUNDARY"

    def __init__(self, size):
        head = (
            f"--{self.BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
        tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.parts = [head, size, tail]
        self.length = len(head) + size + len(tail)
        self.pos = 0

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.length - self.pos
        out = bytearray()
        while n > 0 and self.parts:
            part = self.parts[0]
            if isinstance(part, int):
                take = min(n, part)
                out += b"\0" * take
                if take == part:
                    self.parts.pop(0)
                else:
                    self.parts[0] = part - take
            else:
                take = min(n, len(part))
                out += part[:take]
                if take == len(part):
                    self.parts.pop(0)
                else:
                    self.parts[0] = part[take:]
            n -= take
        self.pos += len(out)
        return bytes(out)

    def readline(self, *args):
        return self.read(*args)


def test_a_200_mb_upload_gets_a_message_not_a_500(tree, personas, media):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    body = Body(200 * 1024 * 1024)
    r = client.request(
        **{
            "REQUEST_METHOD": "POST",
            "PATH_INFO": reverse("meetings:material_upload", args=[m.pk]),
            "CONTENT_TYPE": f"multipart/form-data; boundary={Body.BOUNDARY}",
            "CONTENT_LENGTH": str(body.length),
            "wsgi.input": body,
        }
    )
    assert r.status_code == 413
    assert "Tệp quá lớn; chỉ nhận tệp đến 20 MB." in r.content.decode()
    assert body.pos == body.length  # read to the end and thrown away: the browser gets the page
    assert not Material.objects.exists()
    assert not os.path.exists(media) or not any(files for _, _, files in os.walk(media))


def test_the_late_materials_warning(tree, personas, media):
    past = meeting_of(tree.cell_a)  # 24/03/2023: anything posted now is late
    client = login_client(personas["secretary_a"])
    r = upload(client, past, "a.pdf", PDF)
    r = client.get(r["Location"])
    assert (
        "Tài liệu gửi muộn: quy định gửi trước buổi sinh hoạt ít nhất 1 ngày" in r.content.decode()
    )
    future = meeting_of(tree.cell_a, add_months(first_of_month(today()), 2))
    r = client.get(reverse("meetings:prepare", args=[future.pk]))
    upload(client, future, "b.pdf", PDF)
    r = client.get(reverse("meetings:prepare", args=[future.pk]))
    assert "Tài liệu gửi muộn" not in r.content.decode()
    assert services_prepare.materials_late(past) and not services_prepare.materials_late(future)


# --- invitations ------------------------------------------------------------------------------


def test_invitations_in_app_and_by_email_after_commit(
    tree, personas, django_capture_on_commit_callbacks
):
    m = meeting_of(tree.cell_a)
    member_user = personas["member_a"]
    member_user.email = "an@example.vn"
    member_user.save()
    official = personas["official"]
    official.email = "canbo@example.vn"
    official.save()
    follow(official, tree.cell_a)
    follow(personas["analyst"], tree.cell_a, end=D(2023, 1, 1))  # no longer following
    stranger = User.objects.create_user(
        username="b-member", member=make_member(tree.cell_b, "Người bản Bó"), email="b@example.vn"
    )
    gone = User.objects.create_user(
        username="inactive", member=make_member(tree.cell_a, "Đã nghỉ"), is_active=False
    )
    client = login_client(personas["secretary_a"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = client.post(reverse("meetings:invite", args=[m.pk]), follow=True)
    assert len(callbacks) == 2  # one e-mail each, after the commit
    assert "Đã gửi giấy mời tới 3 người (2 qua thư điện tử)." in r.content.decode()
    notes = Notification.objects.filter(key=f"meeting:{m.pk}:invitation", kind="invitation")
    assert {n.user.username for n in notes} == {"member_a", "secretary_a", "official"}
    assert stranger.pk not in notes.values_list("user_id", flat=True)
    assert gone.pk not in notes.values_list("user_id", flat=True)
    assert {n.emailed_to for n in notes} == {"an@example.vn", "canbo@example.vn", ""}
    text = notes.first().text
    assert "Chi bộ bản Áng" in text and "24/03/2023" in text
    assert sorted(e.to[0] for e in mail.outbox) == ["an@example.vn", "canbo@example.vn"]
    assert "24/03/2023" in mail.outbox[0].subject
    m.refresh_from_db()
    assert m.invitations_sent_at is not None
    # Again: nobody new, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("meetings:invite", args=[m.pk]), follow=True)
    assert "Mọi người đã được mời trước đó." in r.content.decode()
    assert notes.count() == 3 and len(mail.outbox) == 2


def test_no_email_before_the_commit(tree, personas, django_capture_on_commit_callbacks):
    m = meeting_of(tree.cell_a)
    personas["member_a"].email = "an@example.vn"
    personas["member_a"].save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services_prepare.meeting_invite(meeting=m, actor=personas["secretary_a"])
    assert len(callbacks) == 1 and mail.outbox == []


# --- targets ----------------------------------------------------------------------------------


def test_the_cell_targets_of_the_year(tree, personas):
    m = meeting_of(tree.cell_a)
    client = login_client(personas["secretary_a"])
    url = reverse("meetings:target_add", args=[m.pk])
    data = {"year": 2023, "name": "Hộ nghèo giảm", "unit": "hộ", "yearly_value": "3"}
    r = client.post(url, {**data, "measure": "sum"})
    assert r.status_code == 302
    t = Target.objects.get()
    assert (t.cell, t.year, t.name, t.unit, t.order, t.measure) == (
        tree.cell_a,
        2023,
        "Hộ nghèo giảm",
        "hộ",
        1,
        "sum",
    )
    r = client.post(url, {**data, "yearly_value": "2", "measure": "sum"})
    assert r.status_code == 400 and "đã có chỉ tiêu này" in r.content.decode()
    r = client.post(url, {**data, "name": "X", "yearly_value": "-1", "measure": "sum"})
    assert r.status_code == 400 and Target.objects.count() == 1
    r = client.post(url, {**data, "name": "Y", "measure": "average"})
    assert r.status_code == 400 and Target.objects.count() == 1
    road = {"year": 2023, "name": "Bê tông đường", "unit": "m", "yearly_value": "1.500"}
    assert client.post(url, {**road, "measure": "sum"}).status_code == 302
    assert Target.objects.get(name="Bê tông đường").yearly_value == 1500
    dues = {"year": 2023, "name": "Thu đảng phí", "unit": "%", "yearly_value": "100"}
    assert client.post(url, {**dues, "measure": "level"}).status_code == 302
    assert Target.objects.get(name="Thu đảng phí").measure == "level"
    prepare = client.get(reverse("meetings:prepare", args=[m.pk])).content.decode()
    assert "Mức đạt trong tháng (không cộng dồn)" in prepare
    record_page = client.get(reverse("meetings:record", args=[m.pk])).content.decode()
    assert "Hộ nghèo giảm" in record_page
    assert login_client(personas["official"]).post(url, {"year": 2023}).status_code == 404
