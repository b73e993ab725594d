"""The placeholders a report template may use ({{ name }} in Word) and what each holds.

Every registered indicator is one (`{{ members }}`: 9.312; `{{ cells_with_committee }}`:
238/293), with the parts of a ratio: `_so` (238), `_tong` (293), `_con_lai` (55) and `_ti_le`
(81,2%, cut at the indicator's places). The other names are Vietnamese without marks, for the
staff who edit the template in Word.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chibo.core.indicators import all_indicators

RATIO_PARTS = {
    "_so": _("số đếm được"),
    "_tong": _("trên tổng số"),
    "_con_lai": _("còn lại (tổng số trừ số đếm được)"),
    "_ti_le": _("tỷ lệ"),
}

NAMED = {
    "to_chuc": _("Tên tổ chức đảng của báo cáo"),
    "to_chuc_in_hoa": _("Tên tổ chức, chữ in hoa"),
    "cap_tren_in_hoa": _("Tên cấp ủy cấp trên, chữ in hoa"),
    "ngay": _("Ngày số liệu (dd/mm/yyyy)"),
    "ngay_van_ban": _("Ngày tháng năm của văn bản"),
    "nam": _("Năm của ngày số liệu"),
    "nam_kia": _("Năm trước năm trước"),
    "nam_truoc": _("Năm trước"),
    "ket_nap_nam_kia": _("Kết nạp / chỉ tiêu năm trước năm trước (đến 31/12)"),
    "ket_nap_nam_kia_ti_le": _("Tỷ lệ kết nạp so với chỉ tiêu năm trước năm trước"),
    "ket_nap_nam_truoc": _("Kết nạp / chỉ tiêu năm trước (đến 31/12)"),
    "ket_nap_nam_truoc_ti_le": _("Tỷ lệ kết nạp so với chỉ tiêu năm trước"),
    "nhiem_ky_dai_hoi": _("Nhiệm kỳ đại hội chi bộ"),
    "dai_hoi": _("Tiến độ đại hội chi bộ so với kế hoạch (câu)"),
    "ban_ke_hoach": _("Bản còn lại có trưởng bản là đảng viên (kế hoạch bố trí bí thư)"),
    "ban_chua_co_dang_vien": _("Bản còn lại có trưởng bản chưa là đảng viên"),
    "nhiem_ky_chi_tieu": _("Nhiệm kỳ của chỉ tiêu lãnh đạo xã không phải người địa phương"),
    "tap_huan_tu_nam": _("Năm bắt đầu tính tập huấn"),
    "mo_hinh_thi_diem": _("Mô hình thí điểm đang áp dụng (câu)"),
    "ngay_sinh_hoat_khu_dan_cu": _("Ngày sinh hoạt chi bộ khu dân cư hàng tháng"),
    "ngay_sinh_hoat_co_quan": _("Ngày sinh hoạt chi bộ cơ quan, đơn vị hàng tháng"),
}


def fields() -> dict[str, object]:
    """name -> what it holds, for every placeholder, the indicators' first."""
    out = {}
    for ind in all_indicators():
        out[ind.code] = ind.name
        for suffix, label in RATIO_PARTS.items():
            out[f"{ind.code}{suffix}"] = format_lazy("{} ({})", ind.name, label)
    return out | NAMED
