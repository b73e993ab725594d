"""The placeholders a congress document template may use ({{ name }} in Word), what each holds,
and a sample of each, with which an uploaded template is tried before it is kept: FIELDS for
a cell's congress documents, COMMITTEE_FIELDS for a grassroots committee's (fields_for(kind)).

The names are Vietnamese without marks, for the staff who edit the templates in Word. A list
(`ket_nap`, `chat_luong`, `chi_tieu`, `bien_dong`, `tieu_chi_dat`, `chu_truong`...) is used
in a loop:
`{%p for k in ket_nap %}` … `{{ k.ho_ten }}` … `{%p endfor %}`, or `{%tr … %}` in a table row.
"""

from django.utils.translation import gettext_lazy as _

# name -> (what it holds, the fields of a list's items or None)
FIELDS: dict[str, tuple] = {
    "chi_bo": (_("Tên chi bộ"), None),
    "chi_bo_in_hoa": (_("Tên chi bộ, chữ in hoa"), None),
    "dang_bo": (_("Tên đảng bộ cấp trên"), None),
    "dang_bo_in_hoa": (_("Tên đảng bộ cấp trên, chữ in hoa"), None),
    "dang_uy": (_("Cấp ủy cấp trên (nơi nhận)"), None),
    "dia_danh": (_("Địa danh ghi trên văn bản"), None),
    "ngay_van_ban": (_("Địa danh, ngày tháng năm của văn bản"), None),
    "nhiem_ky": (_("Nhiệm kỳ đại hội bầu"), None),
    "nhiem_ky_truoc": (_("Nhiệm kỳ được tổng kết"), None),
    "tu_ngay": (_("Đầu kỳ tổng kết (dd/mm/yyyy)"), None),
    "den_ngay": (_("Cuối kỳ tổng kết (dd/mm/yyyy)"), None),
    "ngay_dai_hoi": (_("Ngày đại hội (dd/mm/yyyy)"), None),
    "bi_thu": (_("Họ tên bí thư chi bộ"), None),
    "dang_vien_dau_ky": (_("Số đảng viên đầu kỳ"), None),
    "dang_vien_cuoi_ky": (_("Số đảng viên cuối kỳ"), None),
    "chinh_thuc": (_("Số đảng viên chính thức cuối kỳ"), None),
    "du_bi": (_("Số đảng viên dự bị cuối kỳ"), None),
    "so_ket_nap": (_("Số đảng viên kết nạp trong kỳ"), None),
    "ket_nap": (_("Đảng viên kết nạp trong kỳ"), ("ho_ten", "ngay")),
    "chuyen_den": (_("Số đảng viên chuyển đến"), None),
    "chuyen_di": (_("Số đảng viên chuyển đi"), None),
    "tu_tran": (_("Số đảng viên từ trần"), None),
    "xoa_ten": (_("Số đảng viên bị xóa tên, khai trừ"), None),
    "bien_dong": (_("Biến động đảng viên theo loại"), ("loai", "so")),
    "so_cuoc_hop": (_("Số cuộc sinh hoạt chi bộ đã họp"), None),
    "so_chuyen_de": (_("Trong đó sinh hoạt chuyên đề"), None),
    "chat_luong": (_("Xếp loại chất lượng sinh hoạt"), ("xep_loai", "so")),
    "so_nhiem_vu": (_("Số nhiệm vụ các cuộc họp giao"), None),
    "so_nhiem_vu_hoan_thanh": (_("Số nhiệm vụ hoàn thành"), None),
    "chi_tieu": (
        _("Chỉ tiêu từng năm và kết quả"),
        ("nam", "ten", "don_vi", "ke_hoach", "thuc_hien", "danh_gia"),
    ),
    "so_chi_tieu": (_("Số chỉ tiêu"), None),
    "so_chi_tieu_dat": (_("Số chỉ tiêu đạt"), None),
    # The criteria of the village(s) the cell serves (chibo.criteria), in the last year recorded
    # before the congress, and the district's policies in force on the congress day.
    "ban": (_("Thôn, bản chi bộ phục vụ"), None),
    "nam_tieu_chi": (_("Năm của kết quả thực hiện tiêu chí"), None),
    "bo_tieu_chi": (
        _("Từng bộ tiêu chí của bản: số tiêu chí đạt, đạt chuẩn hay chưa"),
        ("ban", "ten", "so_dat", "so_tieu_chi", "danh_gia"),
    ),
    "tieu_chi_dat": (
        _("Các tiêu chí bản đã đạt"),
        ("ban", "bo", "ma", "ten", "gia_tri", "don_vi", "nguong"),
    ),
    "tieu_chi_chua_dat": (
        _("Các tiêu chí bản chưa đạt"),
        ("ban", "bo", "ma", "ten", "gia_tri", "don_vi", "nguong"),
    ),
    "so_tieu_chi_dat": (_("Số tiêu chí đã đạt"), None),
    "so_tieu_chi_chua_dat": (_("Số tiêu chí chưa đạt"), None),
    "chu_truong": (
        _("Các chủ trương của cấp trên áp dụng và kết quả của bản"),
        ("ban", "ma", "ten", "don_vi", "nguong", "ket_qua", "danh_gia"),
    ),
    "chu_truong_van_ban": (_("Văn bản ban hành các chủ trương áp dụng"), None),
    "so_chu_truong": (_("Số chủ trương áp dụng"), None),
    # The prose the cell writes (the congress's page).
    "dac_diem_tinh_hinh": (_("Đặc điểm tình hình (chi bộ soạn)"), None),
    "ket_qua": (_("Kết quả đạt được (chi bộ soạn)"), None),
    "han_che": (_("Hạn chế, nguyên nhân (chi bộ soạn)"), None),
    "bai_hoc": (_("Bài học kinh nghiệm (chi bộ soạn)"), None),
    "phuong_huong": (_("Phương hướng, mục tiêu (chi bộ soạn)"), None),
    "giai_phap": (_("Nhiệm vụ, giải pháp (chi bộ soạn)"), None),
}

# A grassroots committee's congress (đại hội đảng bộ xã, cơ sở): the figures of the term reported
# on, over the committee's cells (before a merger, those of the committees it came from).
COMMITTEE_FIELDS: dict[str, tuple] = {
    "dang_bo": (_("Tên đảng bộ"), None),
    "dang_bo_in_hoa": (_("Tên đảng bộ, chữ in hoa"), None),
    "cap_tren": (_("Đảng bộ cấp trên"), None),
    "cap_tren_in_hoa": (_("Đảng bộ cấp trên, chữ in hoa"), None),
    "cap_uy_cap_tren": (_("Cấp ủy cấp trên (nơi nhận)"), None),
    "dia_danh": FIELDS["dia_danh"],
    "ngay_van_ban": FIELDS["ngay_van_ban"],
    "nhiem_ky": FIELDS["nhiem_ky"],
    "nhiem_ky_truoc": FIELDS["nhiem_ky_truoc"],
    "tu_ngay": FIELDS["tu_ngay"],
    "den_ngay": FIELDS["den_ngay"],
    "ngay_dai_hoi": FIELDS["ngay_dai_hoi"],
    "bi_thu": (_("Họ tên bí thư đảng bộ"), None),
    "to_chuc_truoc": (_("Các đảng bộ hợp nhất thành đảng bộ (nếu có)"), None),
    "so_chi_bo": (_("Số chi bộ trực thuộc"), None),
    "so_chi_bo_thon": (_("Số chi bộ thôn, bản, tiểu khu"), None),
    "dang_vien_dau_ky": FIELDS["dang_vien_dau_ky"],
    "dang_vien_cuoi_ky": FIELDS["dang_vien_cuoi_ky"],
    "chinh_thuc": FIELDS["chinh_thuc"],
    "du_bi": FIELDS["du_bi"],
    "ket_nap_nam": (
        _("Kết nạp đảng viên từng năm so với chỉ tiêu"),
        ("nam", "ket_nap", "chi_tieu", "ti_le"),
    ),
    "so_ket_nap": FIELDS["so_ket_nap"],
    "ket_nap_co_chi_tieu": (_("Số kết nạp trong các năm có chỉ tiêu"), None),
    "chi_tieu_ket_nap": (_("Chỉ tiêu kết nạp các năm cộng lại"), None),
    "ti_le_ket_nap": (_("Tỷ lệ kết nạp so với chỉ tiêu (các năm có chỉ tiêu)"), None),
    "chi_bo_co_chi_uy": (_("Chi bộ thôn, bản có chi ủy"), None),
    "ti_le_chi_bo_co_chi_uy": (_("Tỷ lệ chi bộ thôn, bản có chi ủy"), None),
    "bi_thu_la_truong_ban": (_("Bí thư chi bộ đồng thời là trưởng thôn, bản"), None),
    "ti_le_bi_thu_la_truong_ban": (_("Tỷ lệ bí thư chi bộ là trưởng thôn, bản"), None),
    "so_cuoc_hop": (_("Số cuộc sinh hoạt của các chi bộ"), None),
    "so_chuyen_de": FIELDS["so_chuyen_de"],
    "chat_luong": (_("Xếp loại chất lượng sinh hoạt"), ("xep_loai", "so", "ti_le")),
    "ti_le_tot_kha": (_("Tỷ lệ buổi sinh hoạt xếp loại Tốt, Khá"), None),
    "so_nhiem_vu": FIELDS["so_nhiem_vu"],
    "so_nhiem_vu_hoan_thanh": FIELDS["so_nhiem_vu_hoan_thanh"],
    "ti_le_hoan_thanh": (_("Tỷ lệ nhiệm vụ hoàn thành"), None),
    "so_cap_uy_vien": (_("Số cấp ủy viên khóa trước (trước đại hội)"), None),
    "so_cap_uy_moi": (_("Số cấp ủy viên đại hội bầu"), None),
    "cap_uy_moi": (_("Ban Chấp hành đại hội bầu"), ("ho_ten", "chuc_danh")),
    "dac_diem_tinh_hinh": (_("Đặc điểm tình hình (đảng bộ soạn)"), None),
    "ket_qua": (_("Kết quả đạt được (đảng bộ soạn)"), None),
    "han_che": (_("Hạn chế, nguyên nhân (đảng bộ soạn)"), None),
    "bai_hoc": (_("Bài học kinh nghiệm (đảng bộ soạn)"), None),
    "phuong_huong": (_("Phương hướng, mục tiêu (đảng bộ soạn)"), None),
    "giai_phap": (_("Nhiệm vụ, giải pháp (đảng bộ soạn)"), None),
}

COMMITTEE_KINDS = ("committee_report", "committee_resolution")


def fields_for(kind: str) -> dict[str, tuple]:
    """The placeholders a template of `kind` may use."""
    return COMMITTEE_FIELDS if kind in COMMITTEE_KINDS else FIELDS


# The prose fields of CongressDraft -> their placeholders.
PROSE = {
    "situation": "dac_diem_tinh_hinh",
    "achievements": "ket_qua",
    "shortcomings": "han_che",
    "lessons": "bai_hoc",
    "directions": "phuong_huong",
    "solutions": "giai_phap",
}


def sample(kind: str = "") -> dict:
    """A context with every placeholder of `kind`: one item in each list, so loops run once."""
    context = {}
    for name, (_label, item_fields) in fields_for(kind).items():
        if item_fields is None:
            context[name] = "1"
        else:
            context[name] = [dict.fromkeys(item_fields, "1")]
    return context
