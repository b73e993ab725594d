"""The rules in force as data: meeting days (residential cells on the 24th, agency cells on the
25th), public holidays, the standard agenda and the 100-point quality sheet."""

import datetime

from django.db import migrations

D = datetime.date

RULE_SOURCE = (
    "HD 12-HD/BTCTW (2018), Chỉ thị 50-CT/TW và HD 42-HD/BTCTW (2025); "
    "ngày sinh hoạt theo quy định của cấp ủy huyện"
)

# Tết and the fixed public holidays as announced each year (days off, weekend days included
# where the announced break includes them).
TET = {
    2020: (D(2020, 1, 23), D(2020, 1, 29)),
    2021: (D(2021, 2, 10), D(2021, 2, 16)),
    2022: (D(2022, 1, 29), D(2022, 2, 6)),
    2023: (D(2023, 1, 20), D(2023, 1, 26)),
    2024: (D(2024, 2, 8), D(2024, 2, 14)),
    2025: (D(2025, 1, 25), D(2025, 2, 2)),
    2026: (D(2026, 2, 14), D(2026, 2, 22)),
}
HUNG_KINGS = [
    D(2020, 4, 2),
    D(2021, 4, 21),
    D(2022, 4, 10),
    D(2023, 4, 29),
    D(2024, 4, 18),
    D(2025, 4, 7),
    D(2026, 4, 26),
]
NATIONAL_DAY_EXTRA = [
    D(2020, 9, 3),
    D(2021, 9, 3),
    D(2022, 9, 1),
    D(2023, 9, 1),
    D(2024, 9, 3),
    D(2025, 9, 1),
    D(2026, 9, 1),
]

AGENDA = [
    ("opening", "Tuyên bố lý do, giới thiệu đại biểu, cử thư ký"),
    ("opening", "Điểm danh: có mặt, vắng có lý do, vắng không lý do; báo cáo thu nộp đảng phí"),
    ("opening", "Thông qua chương trình sinh hoạt"),
    ("business", "Thông tin thời sự, văn bản mới của cấp trên"),
    ("business", "Đánh giá kết quả thực hiện nghị quyết tháng trước và chỉ tiêu năm"),
    ("business", "Kết quả thực hiện nhiệm vụ được giao của đảng viên"),
    ("business", "Vấn đề mới phát sinh; thảo luận, phê bình và tự phê bình"),
    ("closing", "Kết luận; giao nhiệm vụ tháng tới cho đảng viên, có thời hạn"),
    ("closing", "Thông qua nghị quyết tháng; tự đánh giá chất lượng buổi sinh hoạt"),
    ("closing", "Thông qua biên bản; bế mạc"),
]

SHEET = [
    ("time", "Thời gian sinh hoạt (đúng ngày, đủ thời lượng)", 5),
    ("attendance", "Tỷ lệ đảng viên dự sinh hoạt", 5),
    ("preparation", "Chuẩn bị nội dung, tài liệu", 10),
    ("conduct", "Tiến hành sinh hoạt theo trình tự", 30),
    ("facilitation", "Điều hành của chủ trì, thảo luận của đảng viên", 10),
    ("principles", "Nguyên tắc tập trung dân chủ, tự phê bình và phê bình", 5),
    ("results", "Kết quả thực hiện chỉ tiêu, nhiệm vụ tháng trước", 30),
    ("closing", "Kết luận, nghị quyết, giao nhiệm vụ", 5),
]


def seed(apps, schema_editor):
    MeetingRule = apps.get_model("meetings", "MeetingRule")
    Holiday = apps.get_model("meetings", "Holiday")
    AgendaTemplate = apps.get_model("meetings", "AgendaTemplate")
    AgendaTemplateItem = apps.get_model("meetings", "AgendaTemplateItem")
    ScoreSheet = apps.get_model("meetings", "ScoreSheet")
    ScoreItem = apps.get_model("meetings", "ScoreItem")

    MeetingRule.objects.create(
        cell_type="residential",
        effective_from=D(2018, 1, 1),
        day=24,
        on_sunday="keep",
        on_holiday="after",
        source=RULE_SOURCE,
    )
    MeetingRule.objects.create(
        cell_type="agency",
        effective_from=D(2018, 1, 1),
        day=25,
        on_sunday="before",
        on_holiday="after",
        source=RULE_SOURCE,
    )

    days = {}
    for start, end in TET.values():
        d = start
        while d <= end:
            days[d] = "Tết Nguyên đán"
            d += datetime.timedelta(days=1)
    for year in range(2020, 2027):
        days[D(year, 1, 1)] = "Tết Dương lịch"
        days[D(year, 4, 30)] = "Ngày Giải phóng miền Nam"
        days[D(year, 5, 1)] = "Ngày Quốc tế Lao động"
        days[D(year, 9, 2)] = "Quốc khánh"
    for d in HUNG_KINGS:
        days[d] = "Giỗ Tổ Hùng Vương"
    for d in NATIONAL_DAY_EXTRA:
        days[d] = "Quốc khánh"
    Holiday.objects.bulk_create([Holiday(date=d, name=n) for d, n in sorted(days.items())])

    template = AgendaTemplate.objects.create(
        name="Chương trình sinh hoạt chi bộ thường kỳ (mẫu chuẩn)",
        effective_from=D(2018, 1, 1),
        source="HD 12-HD/BTCTW (2018)",
    )
    AgendaTemplateItem.objects.bulk_create(
        AgendaTemplateItem(template=template, section=s, order=i, title=t)
        for i, (s, t) in enumerate(AGENDA, start=1)
    )
    sheet = ScoreSheet.objects.create(
        name="Phiếu chấm điểm chất lượng sinh hoạt chi bộ (100 điểm)",
        effective_from=D(2018, 1, 1),
        source="Hướng dẫn của Ban Tổ chức Huyện ủy",
    )
    ScoreItem.objects.bulk_create(
        ScoreItem(sheet=sheet, order=i, code=c, name=n, max_points=p)
        for i, (c, n, p) in enumerate(SHEET, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
