"""`manage.py report` on the demo district as of 31/03/2023: every figure of the article, in
its sentence, read back from the .docx (python-docx); bad input writes nothing. (Here, beside
the demo's other tests, so the demo built once for the package serves it too.)"""

import datetime
import io
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from chibo.core.dates import today

FUTURE = today() + datetime.timedelta(days=30)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for r in t.rows for c in r.cells]
    return "\n".join(parts)


# The article's figures, each in the words around it in the report (the default template).
ARTICLE = [
    "có 47 tổ chức cơ sở đảng trực thuộc",
    "293 chi bộ thôn, bản, tiểu khu, với 9.3",
    "Năm 2021 kết nạp 227/200 đảng viên mới, đạt 113%",
    "năm 2022 kết nạp 223/200, đạt 111%",
    "hoàn thành trước 30 ngày so với kế hoạch",
    "281/293 Bí thư chi bộ đồng thời là trưởng thôn, bản, tiểu khu, đạt 95,9%",
    "còn 12 bản, phấn đấu hoàn thành 11/12 bản",
    "còn 1 bản do trưởng bản chưa là đảng viên",
    "có Chi ủy là 238/293, chiếm 81,2%",
    "Có 21/44 vị trí chức danh",
    "chiếm 47,72% (đạt 95,45% chỉ tiêu kế hoạch nhiệm kỳ 2020–2025)",
    "100% cán bộ, công chức xã, thị trấn đạt chuẩn",
    "đã tổ chức 15 lớp tập huấn",
    "cho 967 lượt Bí thư chi bộ",
    "cử 64 cán bộ, công chức, cấp ủy viên",
    "117 đồng chí cấp ủy viên thôn, bản, tiểu khu",
    "đến nay 100% cấp ủy viên các chi bộ thôn, bản, tiểu khu đạt trình độ lý luận",
    "Có 264/293 chi bộ thôn, bản, tiểu khu có thí sinh tham gia thi cấp cơ sở, đạt 90,1%",
    "có 22 thí sinh tham gia hội thi cấp huyện",
    "tại Đảng bộ xã Nà Bó",
    "Ngày 24 hàng tháng là ngày sinh hoạt chi bộ khu dân cư; ngày 25 hàng tháng",
    "Phân công 33 cán bộ",
    "giúp đỡ 123 bản đặc biệt khó khăn",
]


def test_the_article_as_of_31_03_2023(demo, tmp_path):
    out = tmp_path / "mai-son.docx"
    started = time.monotonic()
    call_command(
        "report", "--org", "SL-MS", "--as-of", "2023-03-31", "--out", str(out), stdout=StringIO()
    )
    assert time.monotonic() - started < 10
    text = text_of(out.read_bytes())
    missing = [s for s in ARTICLE if s not in text]
    assert missing == []
    assert "ĐẢNG BỘ HUYỆN MAI SƠN" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Ngày 31 tháng 3 năm 2023" in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize(
    "org, day, message",
    [
        ("NOPE", "2023-03-31", "NOPE"),
        ("SL-MS", f"{FUTURE:%Y-%m-%d}", f"{FUTURE:%d/%m/%Y} chưa đến"),
        ("SL-MS", "1990-01-01", "01/01/1990"),
        ("SL-MS", "2023-02-30", "2023-02-30"),
    ],
)
def test_bad_input_writes_nothing(demo, tmp_path, org, day, message):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError, match=message):
        call_command("report", "--org", org, "--as-of", day, "--out", str(out), stdout=StringIO())
    assert not out.exists()
