"""chibo's default report template: the article's sections in the Party's format
(core.docx_layout), its sentences with docxtpl placeholders for the figures. An org
board downloads it, edits it in Word and uploads it as its own version (ReportTemplate)."""

import functools
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH

from chibo.core import docx_layout as L

CENTER = WD_ALIGN_PARAGRAPH.CENTER

# (heading, paragraphs) in the article's order.
SECTIONS = [
    (
        "1. Tổ chức và đảng viên",
        [
            "{{ to_chuc }} có {{ grassroots_orgs }} tổ chức cơ sở đảng trực thuộc, "
            "{{ village_cells }} chi bộ thôn, bản, tiểu khu, với {{ members }} đảng viên "
            "(trong đó {{ members_probationary_so }} đảng viên dự bị).",
        ],
    ),
    (
        "2. Kết nạp đảng viên so với chỉ tiêu",
        [
            "Năm {{ nam_kia }} kết nạp {{ ket_nap_nam_kia }} đảng viên mới, đạt "
            "{{ ket_nap_nam_kia_ti_le }}; năm {{ nam_truoc }} kết nạp {{ ket_nap_nam_truoc }}, "
            "đạt {{ ket_nap_nam_truoc_ti_le }}; từ đầu năm {{ nam }} đến ngày {{ ngay }} kết "
            "nạp {{ admissions_year }}.",
        ],
    ),
    (
        "3. Đại hội chi bộ",
        [
            "Đại hội chi bộ trực thuộc nhiệm kỳ {{ nhiem_ky_dai_hoi }}: {{ dai_hoi }}.",
        ],
    ),
    (
        "4. Bí thư chi bộ đồng thời là trưởng thôn, bản, tiểu khu",
        [
            "Đã bố trí {{ secretary_is_village_head }} Bí thư chi bộ đồng thời là trưởng thôn, "
            "bản, tiểu khu, đạt {{ secretary_is_village_head_ti_le }}. Đến nay còn "
            "{{ secretary_is_village_head_con_lai }} bản, phấn đấu hoàn thành "
            "{{ ban_ke_hoach }}/{{ secretary_is_village_head_con_lai }} bản (trưởng bản là "
            "đảng viên), còn {{ ban_chua_co_dang_vien }} bản do trưởng bản chưa là đảng viên.",
        ],
    ),
    (
        "5. Chi bộ có chi ủy",
        [
            "Số chi bộ thôn, bản, tiểu khu có Chi ủy là {{ cells_with_committee }}, chiếm "
            "{{ cells_with_committee_ti_le }}.",
        ],
    ),
    (
        "6. Lãnh đạo xã không phải người địa phương",
        [
            "Có {{ nonlocal_commune_leaders }} vị trí chức danh Bí thư đảng ủy, Chủ tịch UBND "
            "xã, thị trấn không phải người địa phương, chiếm "
            "{{ nonlocal_commune_leaders_ti_le }} (đạt "
            "{{ nonlocal_commune_leaders_target_ti_le }} chỉ tiêu kế hoạch nhiệm kỳ "
            "{{ nhiem_ky_chi_tieu }}).",
        ],
    ),
    (
        "7. Cán bộ, công chức xã đạt chuẩn",
        [
            "{{ commune_officials_qualified_ti_le }} cán bộ, công chức xã, thị trấn đạt chuẩn "
            "về trình độ theo quy định ({{ commune_officials_qualified }}).",
        ],
    ),
    (
        "8. Quy hoạch cán bộ",
        [
            "Các chức danh cấp ủy chi bộ, đảng ủy xã đang có người đảm nhiệm: "
            "{{ positions_without_successor_tong }}; còn {{ positions_without_successor_so }} "
            "chức danh chưa có người trong quy hoạch.",
        ],
    ),
    (
        "9. Đào tạo, tập huấn và lý luận chính trị",
        [
            "Từ năm {{ tap_huan_tu_nam }} đến nay, đã tổ chức {{ training_courses }} lớp tập "
            "huấn, bồi dưỡng kiến thức, nghiệp vụ về công tác đảng, công tác chính quyền cho "
            "{{ training_attendances }} lượt Bí thư chi bộ và cấp ủy viên chi bộ tham gia; cử "
            "{{ sent_intermediate_theory }} cán bộ, công chức, cấp ủy viên khối xã, thôn, bản, "
            "tiểu khu tham gia đào tạo trình độ Trung cấp lý luận chính trị và "
            "{{ sent_basic_theory }} đồng chí cấp ủy viên thôn, bản, tiểu khu tham gia đào tạo "
            "trình độ Sơ cấp lý luận chính trị (đến nay {{ village_committee_theory_ok_ti_le }} "
            "cấp ủy viên các chi bộ thôn, bản, tiểu khu đạt trình độ lý luận từ sơ cấp trở "
            "lên).",
        ],
    ),
    (
        "10. Hội thi Bí thư chi bộ giỏi",
        [
            "Có {{ contest_cells }} chi bộ thôn, bản, tiểu khu có thí sinh tham gia thi cấp cơ "
            "sở, đạt {{ contest_cells_ti_le }}; có {{ contest_district_contestants }} thí sinh "
            "tham gia hội thi cấp huyện.",
        ],
    ),
    (
        "11. Mô hình thí điểm",
        ["Mô hình cấp ủy cơ sở bản, tiểu khu: {{ mo_hinh_thi_diem }}."],
    ),
    (
        "12. Ngày sinh hoạt chi bộ",
        [
            "Ngày {{ ngay_sinh_hoat_khu_dan_cu }} hàng tháng là ngày sinh hoạt chi bộ khu dân "
            "cư; ngày {{ ngay_sinh_hoat_co_quan }} hàng tháng là ngày sinh hoạt chi bộ các cơ "
            "quan, đơn vị. Trong tháng, {{ meetings_held_on_schedule }} chi bộ sinh hoạt đúng "
            "ngày quy định, đạt {{ meetings_held_on_schedule_ti_le }}.",
        ],
    ),
    (
        "13. Cán bộ được phân công dự sinh hoạt",
        [
            "Phân công {{ assigned_officials }} cán bộ, công chức khối đảng, đoàn thể dự sinh "
            "hoạt với chi bộ thôn, bản, tiểu khu; tỷ lệ dự sinh hoạt của cán bộ được phân công "
            "trong tháng: {{ official_attendance_rate_ti_le }}.",
        ],
    ),
    (
        "14. Giúp đỡ bản đặc biệt khó khăn",
        [
            "Phân công các chi bộ, đảng bộ cơ sở, cơ quan, đơn vị giúp đỡ "
            "{{ supported_villages_so }} bản đặc biệt khó khăn ({{ supported_villages_ti_le }} "
            "số bản đặc biệt khó khăn có tổ chức được phân công giúp đỡ).",
        ],
    ),
    (
        "15. Chất lượng sinh hoạt và thực hiện nhiệm vụ",
        [
            "Tỷ lệ đảng viên dự sinh hoạt chi bộ trong tháng: "
            "{{ meeting_attendance_rate_ti_le }}; {{ thematic_meetings_quarter }} chi bộ có "
            "sinh hoạt chuyên đề trong quý; {{ meeting_quality_classes }} buổi sinh hoạt xếp "
            "loại Tốt, Khá ({{ meeting_quality_classes_ti_le }}); {{ task_completion_rate }} "
            "nhiệm vụ chi bộ giao trong 12 tháng được hoàn thành "
            "({{ task_completion_rate_ti_le }}).",
        ],
    ),
]


def build() -> bytes:
    doc = L.new_document("Báo cáo kết quả xây dựng đảng ở chi bộ thôn, bản, tiểu khu", "chibo")
    table = doc.add_table(rows=2, cols=2)
    L.no_borders(table)
    left, right = table.rows[0].cells
    L.cell_text(left, "{{ cap_tren_in_hoa }}", align=CENTER)
    L.centre(left, "{{ to_chuc_in_hoa }}", bold=True)
    L.centre(left, "*")
    L.cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, align=CENTER)
    number_cell, date_cell = table.rows[1].cells
    L.cell_text(number_cell, "Số ....-BC", align=CENTER)
    L.cell_text(date_cell, "{{ ngay_van_ban }}", italic=True, align=CENTER)
    L.widths(table, [80, 85])
    L.para(doc, after=0)
    L.centre(doc, "BÁO CÁO", bold=True, size=15)
    L.centre(
        doc,
        "kết quả xây dựng đội ngũ cấp ủy viên và nâng cao chất lượng sinh hoạt ở chi bộ thôn, "
        "bản, tiểu khu",
        bold=True,
    )
    L.centre(doc, "(số liệu đến ngày {{ ngay }})", italic=True)
    L.centre(doc, "-----")
    L.para(doc, after=0)
    for heading, paragraphs in SECTIONS:
        L.heading(doc, heading)
        for text in paragraphs:
            L.para(doc, text)
    L.signatures(
        doc,
        [("Nơi nhận:", True), ("- Như trên,", False), ("- Lưu.", False)],
        [("T/M {{ to_chuc_in_hoa }}", True), ("", False), ("", False), ("", False)],
        small=(0, 1, 2),
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@functools.cache
def default_template() -> bytes:
    """chibo's template (built once per process)."""
    return build()
