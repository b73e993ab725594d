"""chibo's default templates of the congress documents, built with python-docx in the Party's
format (core.docx_layout) with docxtpl placeholders. A district or commune downloads
one, edits it in Word and uploads it as its own version; until then its cells' documents are
filled from these."""

import functools
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH

from chibo.core import docx_layout as L

from .models import DocumentKind

CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _head(doc, number: str):
    table = doc.add_table(rows=2, cols=2)
    L.no_borders(table)
    left, right = table.rows[0].cells
    L.cell_text(left, "{{ dang_bo_in_hoa }}", align=CENTER)
    L.centre(left, "{{ chi_bo_in_hoa }}", bold=True)
    L.centre(left, "*")
    L.cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, align=CENTER)
    number_cell, date_cell = table.rows[1].cells
    L.cell_text(number_cell, number, align=CENTER)
    L.cell_text(date_cell, "{{ ngay_van_ban }}", italic=True, align=CENTER)
    L.widths(table, [80, 85])


def _title(doc, kind: str, title: str):
    L.para(doc, after=0)
    L.centre(doc, kind, bold=True, size=15)
    L.centre(doc, title, bold=True)
    L.centre(doc, "-----")
    L.para(doc, after=0)


def _loop(doc, start: str, line: str, end: str = "{%p endfor %}"):
    L.para(doc, start)
    L.para(doc, line)
    L.para(doc, end)


def _targets_table(doc):
    table = doc.add_table(rows=4, cols=6)
    table.style = doc.styles["Table Grid"]
    heads = ("Năm", "Chỉ tiêu", "Đơn vị", "Kế hoạch", "Thực hiện", "Đánh giá")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        L.cell_text(cell, text, bold=True, size=13, align=CENTER)
    L.cell_text(table.rows[1].cells[0], "{%tr for t in chi_tieu %}", size=13)
    values = (
        "{{ t.nam }}",
        "{{ t.ten }}",
        "{{ t.don_vi }}",
        "{{ t.ke_hoach }}",
        "{{ t.thuc_hien }}",
        "{{ t.danh_gia }}",
    )
    for cell, text in zip(table.rows[2].cells, values, strict=True):
        L.cell_text(cell, text, size=13)
    L.cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=13)
    L.widths(table, [16, 60, 22, 22, 22, 23])
    L.para(doc, after=0)


def _criteria(doc):
    L.heading(doc, "2. Thực hiện các tiêu chí nông thôn mới và các chủ trương của cấp trên")
    L.para(
        doc,
        "Năm {{ nam_tieu_chi }}, {{ ban }} đạt {{ so_tieu_chi_dat }} tiêu chí, còn "
        "{{ so_tieu_chi_chua_dat }} tiêu chí chưa đạt:",
    )
    _loop(
        doc,
        "{%p for b in bo_tieu_chi %}",
        "- {{ b.ten }} ({{ b.ban }}): đạt {{ b.so_dat }}/{{ b.so_tieu_chi }} tiêu chí, "
        "{{ b.danh_gia }};",
    )
    L.para(doc, "Các tiêu chí đã đạt:")
    _loop(
        doc,
        "{%p for t in tieu_chi_dat %}",
        "- {{ t.ma }}. {{ t.ten }}: {{ t.gia_tri }} {{ t.don_vi }} (yêu cầu {{ t.nguong }});",
    )
    L.para(doc, "Các tiêu chí chưa đạt:")
    _loop(
        doc,
        "{%p for t in tieu_chi_chua_dat %}",
        "- {{ t.ma }}. {{ t.ten }}: {{ t.gia_tri }} {{ t.don_vi }} (yêu cầu {{ t.nguong }});",
    )
    L.para(
        doc,
        "Thực hiện {{ so_chu_truong }} chủ trương của cấp trên ({{ chu_truong_van_ban }}):",
    )
    _loop(
        doc,
        "{%p for c in chu_truong %}",
        "- {{ c.ma }}. {{ c.ten }}: {{ c.ket_qua }} {{ c.don_vi }} (yêu cầu {{ c.nguong }})"
        "{% if c.danh_gia %}, {{ c.danh_gia }}{% endif %};",
    )


def _signature(doc):
    L.signatures(
        doc,
        [("", False)],
        [("T/M CHI BỘ", True), ("BÍ THƯ", True), ("", False), ("", False), ("{{ bi_thu }}", True)],
    )


def political_report() -> bytes:
    doc = L.new_document("Báo cáo chính trị đại hội chi bộ", "chibo")
    _head(doc, "Số ....-BC/CB")
    _title(
        doc,
        "BÁO CÁO CHÍNH TRỊ",
        "của Chi bộ trình Đại hội {{ chi_bo }} nhiệm kỳ {{ nhiem_ky }}",
    )
    L.heading(
        doc, "Phần thứ nhất: KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI NHIỆM KỲ {{ nhiem_ky_truoc }}"
    )
    L.heading(doc, "I. ĐẶC ĐIỂM TÌNH HÌNH")
    L.para(doc, "{{ dac_diem_tinh_hinh }}")
    L.heading(doc, "II. KẾT QUẢ ĐẠT ĐƯỢC")
    L.heading(doc, "1. Thực hiện các chỉ tiêu")
    L.para(
        doc,
        "Từ {{ tu_ngay }} đến {{ den_ngay }}, chi bộ thực hiện {{ so_chi_tieu }} chỉ "
        "tiêu, đạt {{ so_chi_tieu_dat }} chỉ tiêu:",
    )
    _targets_table(doc)
    L.para(doc, "{{ ket_qua }}")
    _criteria(doc)
    L.heading(doc, "3. Công tác xây dựng chi bộ")
    L.para(
        doc,
        "Đầu nhiệm kỳ chi bộ có {{ dang_vien_dau_ky }} đảng viên; đến nay có "
        "{{ dang_vien_cuoi_ky }} đảng viên ({{ chinh_thuc }} chính thức, {{ du_bi }} dự "
        "bị). Trong nhiệm kỳ kết nạp {{ so_ket_nap }} đảng viên mới, chuyển đến "
        "{{ chuyen_den }}, chuyển đi {{ chuyen_di }}, từ trần {{ tu_tran }}, xóa tên, "
        "khai trừ {{ xoa_ten }}.",
    )
    _loop(doc, "{%p for k in ket_nap %}", "- Đồng chí {{ k.ho_ten }}, kết nạp ngày {{ k.ngay }};")
    L.para(
        doc,
        "Chi bộ họp {{ so_cuoc_hop }} cuộc sinh hoạt, trong đó {{ so_chuyen_de }} cuộc "
        "sinh hoạt chuyên đề. Chất lượng sinh hoạt:{% for c in chat_luong %} "
        "{{ c.xep_loai }} {{ c.so }} cuộc{% if not loop.last %};{% endif %}{% endfor %}. "
        "Các cuộc họp giao {{ so_nhiem_vu }} nhiệm vụ, đã hoàn thành "
        "{{ so_nhiem_vu_hoan_thanh }} nhiệm vụ.",
    )
    L.heading(doc, "III. HẠN CHẾ, NGUYÊN NHÂN")
    L.para(doc, "{{ han_che }}")
    L.heading(doc, "IV. BÀI HỌC KINH NGHIỆM")
    L.para(doc, "{{ bai_hoc }}")
    L.heading(doc, "Phần thứ hai: PHƯƠNG HƯỚNG, NHIỆM VỤ NHIỆM KỲ {{ nhiem_ky }}")
    L.heading(doc, "I. PHƯƠNG HƯỚNG, MỤC TIÊU")
    L.para(doc, "{{ phuong_huong }}")
    L.heading(doc, "II. NHIỆM VỤ, GIẢI PHÁP")
    L.para(doc, "{{ giai_phap }}")
    _signature(doc)
    return _save(doc)


def draft_resolution() -> bytes:
    doc = L.new_document("Dự thảo nghị quyết đại hội chi bộ", "chibo")
    _head(doc, "Số ....-NQ/CB")
    _title(doc, "NGHỊ QUYẾT", "Đại hội {{ chi_bo }} nhiệm kỳ {{ nhiem_ky }}")
    L.para(
        doc,
        "Đại hội {{ chi_bo }} nhiệm kỳ {{ nhiem_ky }} họp ngày {{ ngay_dai_hoi }}, sau "
        "khi thảo luận Báo cáo chính trị của chi bộ,",
        italic=True,
    )
    L.centre(doc, "QUYẾT NGHỊ:", bold=True)
    L.heading(doc, "1. Đánh giá nhiệm kỳ {{ nhiem_ky_truoc }}")
    L.para(
        doc,
        "Đại hội cơ bản tán thành đánh giá kết quả thực hiện nghị quyết nhiệm kỳ "
        "{{ nhiem_ky_truoc }}: đạt {{ so_chi_tieu_dat }}/{{ so_chi_tieu }} chỉ tiêu; kết "
        "nạp {{ so_ket_nap }} đảng viên; {{ so_cuoc_hop }} cuộc sinh hoạt chi bộ.",
    )
    L.para(doc, "{{ ket_qua }}")
    L.para(doc, "Hạn chế: {{ han_che }}")
    L.heading(doc, "2. Phương hướng, mục tiêu nhiệm kỳ {{ nhiem_ky }}")
    L.para(doc, "{{ phuong_huong }}")
    L.para(
        doc,
        "Phấn đấu hoàn thành các tiêu chí bản chưa đạt ({{ so_tieu_chi_chua_dat }} tiêu "
        "chí):{% for t in tieu_chi_chua_dat %} {{ t.ten }}{% if not loop.last %};{% endif %}"
        "{% endfor %}; thực hiện {{ so_chu_truong }} chủ trương của cấp trên.",
    )
    L.heading(doc, "3. Nhiệm vụ, giải pháp")
    L.para(doc, "{{ giai_phap }}")
    L.heading(doc, "4. Tổ chức thực hiện")
    L.para(
        doc,
        "Đại hội giao chi ủy (bí thư chi bộ) nhiệm kỳ {{ nhiem_ky }} xây dựng chương "
        "trình hành động thực hiện nghị quyết; báo cáo {{ dang_uy }} theo quy định.",
    )
    _signature(doc)
    return _save(doc)


# --- a grassroots committee's congress (đại hội đảng bộ xã, cơ sở) --------------------------------


def _committee_head(doc, number: str):
    table = doc.add_table(rows=2, cols=2)
    L.no_borders(table)
    left, right = table.rows[0].cells
    L.cell_text(left, "{{ cap_tren_in_hoa }}", align=CENTER)
    L.centre(left, "{{ dang_bo_in_hoa }}", bold=True)
    L.centre(left, "*")
    L.cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=15, align=CENTER)
    number_cell, date_cell = table.rows[1].cells
    L.cell_text(number_cell, number, align=CENTER)
    L.cell_text(date_cell, "{{ ngay_van_ban }}", italic=True, align=CENTER)
    L.widths(table, [80, 85])


def _admissions_table(doc):
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Table Grid"]
    heads = ("Năm", "Kết nạp", "Chỉ tiêu", "Tỷ lệ")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        L.cell_text(cell, text, bold=True, size=13, align=CENTER)
    L.cell_text(table.rows[1].cells[0], "{%tr for k in ket_nap_nam %}", size=13)
    values = ("{{ k.nam }}", "{{ k.ket_nap }}", "{{ k.chi_tieu }}", "{{ k.ti_le }}")
    for cell, text in zip(table.rows[2].cells, values, strict=True):
        L.cell_text(cell, text, size=13, align=CENTER)
    L.cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=13)
    L.widths(table, [30, 40, 40, 40])
    L.para(doc, after=0)


def committee_report() -> bytes:
    doc = L.new_document("Báo cáo chính trị đại hội đảng bộ", "chibo")
    _committee_head(doc, "Số ....-BC/ĐU")
    _title(
        doc,
        "BÁO CÁO CHÍNH TRỊ",
        "của Ban Chấp hành {{ dang_bo }} trình Đại hội đại biểu {{ dang_bo }} "
        "nhiệm kỳ {{ nhiem_ky }}",
    )
    L.heading(
        doc,
        "Phần thứ nhất: KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI NHIỆM KỲ {{ nhiem_ky_truoc }}",
    )
    L.heading(doc, "I. ĐẶC ĐIỂM TÌNH HÌNH")
    L.para(
        doc,
        "{% if to_chuc_truoc %}{{ dang_bo }} được thành lập trên cơ sở hợp nhất "
        "{{ to_chuc_truoc }}. {% endif %}Đến ngày {{ den_ngay }}, đảng bộ có {{ so_chi_bo }} "
        "chi bộ trực thuộc, trong đó {{ so_chi_bo_thon }} chi bộ thôn, bản, tiểu khu; "
        "{{ dang_vien_cuoi_ky }} đảng viên.",
    )
    L.para(doc, "{{ dac_diem_tinh_hinh }}")
    L.heading(doc, "II. KẾT QUẢ ĐẠT ĐƯỢC")
    L.para(doc, "{{ ket_qua }}")
    L.heading(doc, "III. CÔNG TÁC XÂY DỰNG ĐẢNG")
    L.heading(doc, "1. Công tác tổ chức, xây dựng đội ngũ cấp ủy viên")
    L.para(
        doc,
        "Đến ngày {{ den_ngay }}, {{ chi_bo_co_chi_uy }} chi bộ thôn, bản, tiểu khu có chi "
        "ủy ({{ ti_le_chi_bo_co_chi_uy }}); {{ bi_thu_la_truong_ban }} bí thư chi bộ đồng "
        "thời là trưởng thôn, bản, tiểu khu ({{ ti_le_bi_thu_la_truong_ban }}). Ban Chấp hành "
        "đảng bộ khóa trước có {{ so_cap_uy_vien }} đồng chí.",
    )
    L.heading(doc, "2. Công tác phát triển đảng viên")
    L.para(
        doc,
        "Đầu nhiệm kỳ ({{ tu_ngay }}) đảng bộ có {{ dang_vien_dau_ky }} đảng viên; đến "
        "{{ den_ngay }} có {{ dang_vien_cuoi_ky }} đảng viên ({{ chinh_thuc }} chính thức, "
        "{{ du_bi }} dự bị). Trong nhiệm kỳ kết nạp {{ so_ket_nap }} đảng viên; các năm có "
        "chỉ tiêu kết nạp {{ ket_nap_co_chi_tieu }}/{{ chi_tieu_ket_nap }}, đạt "
        "{{ ti_le_ket_nap }} chỉ tiêu:",
    )
    _admissions_table(doc)
    L.heading(doc, "3. Nâng cao chất lượng sinh hoạt chi bộ")
    L.para(
        doc,
        "Các chi bộ tổ chức {{ so_cuoc_hop }} cuộc sinh hoạt, trong đó {{ so_chuyen_de }} "
        "cuộc sinh hoạt chuyên đề; {{ ti_le_tot_kha }} buổi sinh hoạt được xếp loại Tốt, Khá"
        "{% for c in chat_luong %}{% if loop.first %} ({% endif %}{{ c.xep_loai }} "
        "{{ c.so }} cuộc, {{ c.ti_le }}{% if loop.last %}){% else %}; {% endif %}{% endfor %}. "
        "Các cuộc sinh hoạt giao {{ so_nhiem_vu }} nhiệm vụ, đã hoàn thành "
        "{{ so_nhiem_vu_hoan_thanh }} ({{ ti_le_hoan_thanh }}).",
    )
    L.heading(doc, "IV. HẠN CHẾ, NGUYÊN NHÂN")
    L.para(doc, "{{ han_che }}")
    L.heading(doc, "V. BÀI HỌC KINH NGHIỆM")
    L.para(doc, "{{ bai_hoc }}")
    L.heading(doc, "Phần thứ hai: PHƯƠNG HƯỚNG, MỤC TIÊU, NHIỆM VỤ NHIỆM KỲ {{ nhiem_ky }}")
    L.heading(doc, "I. PHƯƠNG HƯỚNG, MỤC TIÊU")
    L.para(doc, "{{ phuong_huong }}")
    L.heading(doc, "II. NHIỆM VỤ, GIẢI PHÁP")
    L.para(doc, "{{ giai_phap }}")
    L.signatures(
        doc,
        [("", False)],
        [
            ("T/M BAN CHẤP HÀNH", True),
            ("BÍ THƯ", True),
            ("", False),
            ("", False),
            ("{{ bi_thu }}", True),
        ],
    )
    return _save(doc)


def committee_resolution() -> bytes:
    doc = L.new_document("Nghị quyết đại hội đảng bộ", "chibo")
    _committee_head(doc, "Số 01-NQ/ĐH")
    _title(doc, "NGHỊ QUYẾT", "Đại hội đại biểu {{ dang_bo }} nhiệm kỳ {{ nhiem_ky }}")
    L.para(
        doc,
        "Đại hội đại biểu {{ dang_bo }} nhiệm kỳ {{ nhiem_ky }} họp ngày {{ ngay_dai_hoi }}, "
        "sau khi thảo luận Báo cáo chính trị của Ban Chấp hành đảng bộ,",
        italic=True,
    )
    L.centre(doc, "QUYẾT NGHỊ:", bold=True)
    L.heading(doc, "1. Đánh giá kết quả nhiệm kỳ {{ nhiem_ky_truoc }}")
    L.para(
        doc,
        "Đại hội tán thành đánh giá kết quả thực hiện nghị quyết nhiệm kỳ {{ nhiem_ky_truoc }}: "
        "kết nạp {{ so_ket_nap }} đảng viên (các năm có chỉ tiêu đạt {{ ti_le_ket_nap }} chỉ "
        "tiêu); đảng bộ có "
        "{{ dang_vien_cuoi_ky }} đảng viên trong {{ so_chi_bo }} chi bộ; "
        "{{ chi_bo_co_chi_uy }} chi bộ thôn, bản có chi ủy ({{ ti_le_chi_bo_co_chi_uy }}); "
        "{{ ti_le_tot_kha }} buổi sinh hoạt chi bộ xếp loại Tốt, Khá; {{ ti_le_hoan_thanh }} "
        "nhiệm vụ chi bộ giao được hoàn thành.",
    )
    L.para(doc, "{{ ket_qua }}")
    L.para(doc, "Hạn chế: {{ han_che }}")
    L.heading(doc, "2. Phương hướng, mục tiêu nhiệm kỳ {{ nhiem_ky }}")
    L.para(doc, "{{ phuong_huong }}")
    L.heading(doc, "3. Nhiệm vụ, giải pháp")
    L.para(doc, "{{ giai_phap }}")
    L.heading(doc, "4. Bầu Ban Chấp hành đảng bộ nhiệm kỳ {{ nhiem_ky }}")
    L.para(
        doc,
        "Đại hội bầu Ban Chấp hành {{ dang_bo }} nhiệm kỳ {{ nhiem_ky }} gồm "
        "{{ so_cap_uy_moi }} đồng chí:",
    )
    _loop(doc, "{%p for c in cap_uy_moi %}", "- Đồng chí {{ c.ho_ten }}, {{ c.chuc_danh }};")
    L.heading(doc, "5. Tổ chức thực hiện")
    L.para(
        doc,
        "Đại hội giao Ban Chấp hành {{ dang_bo }} nhiệm kỳ {{ nhiem_ky }} xây dựng chương "
        "trình hành động thực hiện nghị quyết; báo cáo {{ cap_uy_cap_tren }} theo quy định.",
    )
    L.signatures(
        doc,
        [("", False)],
        [("T/M ĐOÀN CHỦ TỊCH", True), ("", False), ("", False), ("", False)],
    )
    return _save(doc)


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


BUILDERS = {
    DocumentKind.POLITICAL_REPORT: political_report,
    DocumentKind.DRAFT_RESOLUTION: draft_resolution,
    DocumentKind.COMMITTEE_REPORT: committee_report,
    DocumentKind.COMMITTEE_RESOLUTION: committee_resolution,
}


@functools.cache
def default_template(kind: str) -> bytes:
    """chibo's template of `kind` (built once per process)."""
    return BUILDERS[kind]()
