"""The members sheet's layout: its columns, the values its lists take, its sheet names. The
template, the import and the export all read it, so a file exported is a file importable."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from ..models import Sex, TheoryLevel

DATA_SHEET = "Đảng viên"
GUIDE_SHEET = "Hướng dẫn"

# Values as written in the file: a file format, so fixed Vietnamese whatever the UI language.
SEX_VALUES = {"Nam": Sex.MALE, "Nữ": Sex.FEMALE}
THEORY_VALUES = {
    "Chưa qua đào tạo": TheoryLevel.NONE,
    "Sơ cấp": TheoryLevel.BASIC,
    "Trung cấp": TheoryLevel.INTERMEDIATE,
    "Cao cấp": TheoryLevel.ADVANCED,
    "Cử nhân": TheoryLevel.BACHELOR,
}
ETHNIC_SHEET = "Dân tộc"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # a Member field, or "cell_code"
    kind: str  # text, date, sex, theory, citizen_id, card, code
    required: bool
    width: int


COLUMNS = [
    Column("Họ và tên*", "full_name", "text", True, 26),
    Column("Tên gọi khác", "other_names", "text", False, 16),
    Column("Giới tính*", "sex", "sex", True, 10),
    Column("Ngày sinh*", "birth_date", "date", True, 12),
    Column("Nơi sinh", "birthplace", "text", False, 20),
    Column("Quê quán", "hometown", "text", False, 20),
    Column("Nơi ở hiện nay", "residence", "text", False, 24),
    Column("Dân tộc*", "ethnicity", "text", True, 12),
    Column("Tôn giáo", "religion", "text", False, 12),
    Column("Nghề nghiệp", "occupation", "text", False, 16),
    Column("Số CCCD", "citizen_id", "citizen_id", False, 15),
    Column("Số thẻ đảng viên", "party_card_number", "card", False, 14),
    Column("Ngày vào Đảng*", "admission_date", "date", True, 13),
    Column("Ngày chính thức", "official_date", "date", False, 13),
    Column("Giáo dục phổ thông", "education", "text", False, 12),
    Column("Chuyên môn", "qualification", "text", False, 18),
    Column("Lý luận chính trị", "theory_level", "theory", False, 16),
    Column("Ngoại ngữ", "foreign_language", "text", False, 12),
    Column("Tin học", "it_level", "text", False, 12),
    Column("Mã chi bộ*", "cell_code", "code", True, 12),
]
# Written by the export after COLUMNS, for the reader of the list (a cell's code alone says
# little); the import skips them, so an exported file can be imported again.
EXPORT_ONLY = [("Tên chi bộ", 30), ("Trạng thái", 18)]
# The "Hướng dẫn" sheet: how to fill each column.
HELP = {
    "full_name": gettext_lazy("Họ, tên đệm và tên."),
    "sex": gettext_lazy("Nam hoặc Nữ."),
    "birth_date": gettext_lazy("dd/mm/yyyy, ví dụ 02/03/1980."),
    "ethnicity": gettext_lazy(
        "Một trong 54 dân tộc ở trang «Dân tộc», ví dụ: Kinh, Thái, Mông, Khơ Mú; không phân "
        "biệt dấu gạch nối, chữ hoa, chữ thường (H'Mông, Mèo được hiểu là Mông)."
    ),
    "religion": gettext_lazy("Để trống nghĩa là «Không»."),
    "citizen_id": gettext_lazy("Đúng 12 chữ số, không trùng với người khác."),
    "party_card_number": gettext_lazy("Không trùng với người khác."),
    "admission_date": gettext_lazy("dd/mm/yyyy; khi đó người vào Đảng phải đủ 18 tuổi."),
    "official_date": gettext_lazy("dd/mm/yyyy; để trống nếu còn dự bị; không trước ngày vào Đảng."),
    "education": gettext_lazy("Ví dụ: 12/12."),
    "qualification": gettext_lazy("Ví dụ: Trung cấp nông nghiệp."),
    "theory_level": gettext_lazy("Để trống nghĩa là «Chưa qua đào tạo»."),
    "cell_code": gettext_lazy("Mã của một chi bộ đang hoạt động trong phạm vi bạn được nhập."),
}
HEADER_OF = {c.field: c.header for c in COLUMNS}
DATE_FIELDS = {c.field for c in COLUMNS if c.kind == "date"}
