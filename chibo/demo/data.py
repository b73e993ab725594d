"""Fixed inputs of the Mai Sơn demo: real place names, synthetic name stocks, target figures.

Commune names are the 22 pre-2025 commune-level units of Mai Sơn (thị trấn Hát Lót and
21 communes, one of which is also called Hát Lót). Village names are generated from
Thái place-name syllables; people are generated and are not real.
"""

import datetime

# --- the figures of the article (seed/mai-son-article.txt), as of 31/03/2023 ------------------
AS_OF = datetime.date(2023, 3, 31)
GRASSROOTS_ORGS = 47
VILLAGE_CELLS = 293
CELLS_9PLUS_OFFICIAL = 238  # the article's "chi bộ có chi ủy" 238/293
DISADVANTAGED_VILLAGES = 123
ACTIVE_MEMBERS = 9347  # "trên 9.300 đảng viên"
ADMITTED = {2021: 227, 2022: 223}  # new members per year
ADMITTED_2022_CONVERTED = 50  # of the 223, admitted Jan-Feb 2022, official by March 2023
ADMITTED_2023_Q1 = 42  # admitted Jan-Mar 2023, still probationary
COMMITTEE_THRESHOLD = 9  # official members needed to elect a chi ủy (QĐ 294-QĐ/TW)
# Committees, leadership, training and the contest (issue 3), all as of 31/03/2023:
SECRETARY_HEADS = 281  # cell secretaries who are also village head, of 293
HEADS_PLANNED = 11  # of the 12 others: the head is another member ("planned for 03/2023")
HEADS_NOT_MEMBER = 1  # ... and one village whose head is not a member
NONLOCAL_LEADERS = 21  # commune Party secretaries and PC chairmen not local, of 44
NONLOCAL_TARGET = 22  # the district's target for the 2020–2025 term (21/22 = 95,45%)
# The province's for 2025–2030, set for its 9 new communes of 01/07/2025 (one non-local leader
# in each; chibo/demo/reorganization.py).
NONLOCAL_TARGET_2025 = 9
TRAINING_COURSES = 15  # party-work and government-work courses of the district since 2021
TRAINING_ATTENDANCES = 967  # attendances in them
SENT_INTERMEDIATE = 64  # officials and committee members sent to intermediate theory
SENT_BASIC = 117  # village committee members sent to basic theory
CONTEST_CELLS = 264  # village cells with a contestant in the grassroots round, of 293
CONTEST_DISTRICT = 22  # contestants of the district round

# --- dates -------------------------------------------------------------------------------
DATA_START = datetime.date(2000, 1, 1)  # start of the recorded history ("số liệu đầu kỳ")
COMMUNE_POLICE_FROM = datetime.date(2020, 1, 1)  # regular police cells in communes
# Village mergers (sáp nhập bản): (date, number of village cells merged away on that date).
MERGES = ((datetime.date(2019, 12, 1), 9), (datetime.date(2020, 7, 1), 5))
ROLE_FROM = datetime.date(2020, 1, 1)
# Committee terms. Cells hold two congresses per 5-year term: 2020–2022 in the spring of 2020,
# 2023–2025 in early 2023, all finished 30 days before the plan's deadline (the article).
CELL_CONGRESSES_2020 = (datetime.date(2020, 3, 2), datetime.date(2020, 5, 22))
CELL_CONGRESSES_2023 = (datetime.date(2023, 1, 4), datetime.date(2023, 2, 28))
# The district's plan (demo.congresses): every cell's congress held before 31/03, the last day
# 30/03; the last congress (28/02) is 30 days ahead of it, as in the article.
CELL_CONGRESS_DEADLINE = datetime.date(2023, 3, 30)
CELL_TERM_END = datetime.date(2025, 7, 1)  # excluded, as every dated row's end: last day 30/06
COMMUNE_CONGRESSES = (datetime.date(2020, 5, 25), datetime.date(2020, 6, 30))  # 2020–2025
COMMUNE_TERM_END = datetime.date(2025, 7, 1)  # excluded
ROLE_MODEL_FROM = datetime.date(2021, 10, 1)  # the Nà Bó pilot, after Resolution 02-NQ/TU
# Political theory classes (start, end) of the district's political centre; the first basic
# class is before the article's window ("since 2021") and is not counted.
BASIC_CLASSES = (
    (datetime.date(2020, 9, 7), datetime.date(2020, 10, 30)),
    (datetime.date(2021, 4, 5), datetime.date(2021, 5, 28)),
    (datetime.date(2021, 10, 4), datetime.date(2021, 11, 26)),
    (datetime.date(2022, 4, 4), datetime.date(2022, 5, 27)),
    (datetime.date(2022, 9, 5), datetime.date(2022, 10, 28)),
    (datetime.date(2023, 2, 6), datetime.date(2023, 3, 24)),
)
INTERMEDIATE_CLASSES = (  # in-service, with the provincial political school
    (datetime.date(2021, 3, 8), datetime.date(2022, 1, 14)),
    (datetime.date(2022, 3, 7), datetime.date(2023, 1, 13)),
)

PROVINCE = ("SL", "Đảng bộ tỉnh Sơn La")
DISTRICT = ("SL-MS", "Đảng bộ huyện Mai Sơn")

# Spelled as members.rules.ETHNIC_GROUPS (the GSO's list): "Mông", not "H'Mông".
THAI, KINH, HMONG, MUONG, DAO = "Thái", "Kinh", "Mông", "Mường", "Dao"
KHOMU, XINHMUN, LAHA = "Khơ Mú", "Xinh Mun", "La Ha"
ETHNICITIES = (THAI, KINH, HMONG, MUONG, DAO, KHOMU, XINHMUN, LAHA)

# (name, is_town, village cells after the mergers, ethnic mix, remoteness weight)
COMMUNES = (
    ("Hát Lót", True, 18, {KINH: 60, THAI: 35, MUONG: 5}, 0.0),
    ("Chiềng Ban", False, 15, {THAI: 80, KINH: 15, HMONG: 5}, 0.6),
    ("Chiềng Chăn", False, 12, {THAI: 65, KINH: 15, HMONG: 15, KHOMU: 5}, 1.0),
    ("Chiềng Chung", False, 13, {THAI: 70, KINH: 10, HMONG: 20}, 1.0),
    ("Chiềng Dong", False, 8, {THAI: 55, HMONG: 30, KINH: 5, KHOMU: 10}, 1.5),
    ("Chiềng Kheo", False, 10, {THAI: 60, HMONG: 30, KINH: 10}, 1.5),
    ("Chiềng Lương", False, 17, {THAI: 60, HMONG: 25, KINH: 10, XINHMUN: 5}, 1.2),
    ("Chiềng Mai", False, 14, {THAI: 75, KINH: 20, HMONG: 5}, 0.5),
    ("Chiềng Mung", False, 18, {KINH: 45, THAI: 50, MUONG: 5}, 0.2),
    ("Chiềng Nơi", False, 9, {HMONG: 50, THAI: 25, KHOMU: 15, XINHMUN: 10}, 2.0),
    ("Chiềng Sung", False, 12, {THAI: 60, HMONG: 20, KINH: 15, KHOMU: 5}, 1.0),
    ("Chiềng Ve", False, 8, {THAI: 55, HMONG: 35, KINH: 10}, 1.5),
    ("Cò Nòi", False, 21, {KINH: 45, THAI: 35, HMONG: 15, MUONG: 5}, 0.4),
    ("Hát Lót", False, 17, {THAI: 60, KINH: 35, MUONG: 5}, 0.3),
    ("Mường Bằng", False, 13, {THAI: 60, HMONG: 20, LAHA: 10, KINH: 10}, 1.2),
    ("Mường Bon", False, 16, {THAI: 60, KINH: 30, MUONG: 10}, 0.4),
    ("Mường Chanh", False, 9, {THAI: 70, HMONG: 15, KINH: 10, LAHA: 5}, 1.0),
    ("Nà Bó", False, 19, {THAI: 55, KINH: 30, HMONG: 10, MUONG: 5}, 0.6),
    ("Nà Ớt", False, 12, {THAI: 45, HMONG: 35, KHOMU: 10, LAHA: 10}, 1.8),
    ("Phiêng Cằm", False, 11, {HMONG: 55, THAI: 30, KHOMU: 10, DAO: 5}, 2.0),
    ("Phiêng Pằn", False, 10, {HMONG: 45, THAI: 35, DAO: 15, KINH: 5}, 2.0),
    ("Tà Hộc", False, 11, {THAI: 50, HMONG: 35, DAO: 10, KINH: 5}, 1.8),
)
DEMO_COMMUNE = "Nà Bó"  # the pilot commune of the article, home of the demo commune users

# Villages along the national road are tiểu khu; Kinh settlements elsewhere are often thôn.
TIEU_KHU_COMMUNES = {"Cò Nòi", "Chiềng Mung", "Mường Bon", "Nà Bó"}

# fmt: off
PLACE_FIRST = (
    "Nà", "Huổi", "Pá", "Phiêng", "Co", "Hua", "Bó", "Noong", "Pom", "Lọng", "Púng", "Cang",
    "Mòn", "Tà", "Hin", "Nong", "Tong", "Ten", "Kho", "Xa", "Củ", "Hịa", "Đán", "Cọ", "Lằn",
    "Bom", "Sẳng", "Phát", "Búa", "Liếng",
)
PLACE_SECOND = (
    "Sản", "Hồng", "Lẹ", "Khoang", "Cưa", "Pặt", "Lằn", "Sái", "Ban", "Kéo", "Bẩu", "Lìu", "Lay",
    "Cuông", "Nẻn", "Hay", "Pe", "Mạt", "Muông", "Cại", "Nhạp", "Tôm", "Cóc", "Hẹ", "Xe", "Lót",
    "Mòn", "Lau", "Khá", "Pừng", "Tòng", "Đứa", "Bon", "Hụm", "Xả", "Cướm", "Tấu", "Phày",
)
THON_NAMES = (
    "Bình Minh", "Thành Công", "Quyết Thắng", "Đoàn Kết", "Tân Lập", "Hòa Bình", "Quyết Tiến",
    "Thống Nhất", "Tiền Phong", "Tân Sơn", "Liên Hợp", "Đồng Tâm", "Tân Tiến", "Hưng Thịnh",
)
# fmt: on

# Agency cells of every commune committee: (name pattern, official members min, max, share).
COMMUNE_AGENCY_CELLS = (
    ("Chi bộ Cơ quan {unit}", 10, 22, 1.0),
    ("Chi bộ Quân sự {unit}", 4, 8, 1.0),
    ("Chi bộ Công an {unit}", 4, 9, 1.0),
    ("Chi bộ Trường THCS {name}", 5, 12, 1.0),
    ("Chi bộ Trường Tiểu học {name}", 4, 10, 0.5),
    ("Chi bộ Trạm Y tế {unit}", 3, 6, 0.3),
)

# fmt: off
# The other 25 grassroots organizations: (name, grassroots type, cell names).
_SCHOOL_CELLS = (
    "Chi bộ Tổ Toán - Tin", "Chi bộ Tổ Ngữ văn - Ngoại ngữ", "Chi bộ Tổ Khoa học tự nhiên",
    "Chi bộ Tổ Khoa học xã hội",
)
_FIRM_CELLS = (
    "Chi bộ Văn phòng Công ty", "Chi bộ Phòng Kỹ thuật", "Chi bộ Đội sản xuất số 1",
    "Chi bộ Đội sản xuất số 2",
)
AGENCY_ORGS = (
    ("Đảng bộ Cơ quan Đảng - Đoàn thể huyện", "agency", (
        "Chi bộ Văn phòng Huyện ủy", "Chi bộ Ban Tổ chức - Ủy ban Kiểm tra",
        "Chi bộ Ban Tuyên giáo - Dân vận", "Chi bộ Mặt trận - Đoàn thể")),
    ("Đảng bộ Cơ quan Chính quyền huyện", "agency", (
        "Chi bộ Văn phòng HĐND - UBND", "Chi bộ Phòng Tài chính - Kế hoạch",
        "Chi bộ Phòng Nông nghiệp và PTNT", "Chi bộ Phòng Tài nguyên và Môi trường",
        "Chi bộ Phòng Nội vụ")),
    ("Đảng bộ Khối Nội chính huyện", "agency", (
        "Chi bộ Viện Kiểm sát nhân dân", "Chi bộ Tòa án nhân dân",
        "Chi bộ Chi cục Thi hành án dân sự")),
    ("Đảng bộ Khối Tài chính - Ngân hàng huyện", "agency", (
        "Chi bộ Chi cục Thuế", "Chi bộ Kho bạc Nhà nước", "Chi bộ Ngân hàng Chính sách xã hội",
        "Chi bộ Bảo hiểm xã hội")),
    ("Đảng bộ Trung tâm Y tế huyện", "agency", (
        "Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại - Sản", "Chi bộ Khoa Kiểm soát bệnh tật",
        "Chi bộ Phòng Kế hoạch - Hành chính")),
    ("Đảng bộ Khối Sự nghiệp huyện", "agency", (
        "Chi bộ Trung tâm Chính trị", "Chi bộ Trung tâm Văn hóa, Thể thao và Truyền thông",
        "Chi bộ Trung tâm Dịch vụ nông nghiệp")),
    ("Đảng bộ Khối Nông - Lâm nghiệp huyện", "agency", (
        "Chi bộ Hạt Kiểm lâm", "Chi bộ Trạm Khuyến nông", "Chi bộ Trạm Chăn nuôi và Thú y")),
    ("Đảng bộ Khối Văn hóa - Xã hội huyện", "agency", (
        "Chi bộ Phòng Văn hóa và Thông tin", "Chi bộ Phòng Lao động - Thương binh và Xã hội",
        "Chi bộ Phòng Giáo dục và Đào tạo")),
    ("Đảng bộ Khối Xây dựng - Hạ tầng huyện", "agency", (
        "Chi bộ Phòng Kinh tế - Hạ tầng", "Chi bộ Ban Quản lý dự án đầu tư xây dựng",
        "Chi bộ Trung tâm Phát triển quỹ đất")),
    ("Đảng bộ Công an huyện", "armed", (
        "Chi bộ Đội Cảnh sát điều tra", "Chi bộ Đội An ninh",
        "Chi bộ Đội Cảnh sát giao thông - Trật tự", "Chi bộ Đội Tham mưu - Hậu cần")),
    ("Đảng bộ Quân sự huyện", "armed", (
        "Chi bộ Ban Chỉ huy", "Chi bộ Tham mưu", "Chi bộ Chính trị - Hậu cần")),
    ("Đảng bộ Trường THPT Mai Sơn", "school", _SCHOOL_CELLS),
    ("Đảng bộ Trường THPT Cò Nòi", "school", _SCHOOL_CELLS[:3]),
    ("Đảng bộ Trường THPT Chu Văn Thịnh", "school", _SCHOOL_CELLS),
    ("Đảng bộ Trường THPT Nà Bó", "school", _SCHOOL_CELLS[:3]),
    ("Đảng bộ Trường THPT Mường Bon", "school", _SCHOOL_CELLS[:3]),
    ("Đảng bộ Trường Phổ thông Dân tộc nội trú huyện", "school", _SCHOOL_CELLS[:3]),
    ("Đảng bộ Trung tâm GDNN - GDTX huyện", "school", (
        "Chi bộ Tổ Văn hóa", "Chi bộ Tổ Đào tạo nghề")),
    ("Đảng bộ Trường THPT Chiềng Mai", "school", _SCHOOL_CELLS[:3]),
    ("Đảng bộ Công ty Cổ phần Mía đường Mai Sơn", "enterprise", _FIRM_CELLS),
    ("Đảng bộ Công ty Cổ phần Cà phê Mai Sơn", "enterprise", _FIRM_CELLS[:3]),
    ("Đảng bộ Điện lực Mai Sơn", "enterprise", (
        "Chi bộ Phòng Kỹ thuật - An toàn", "Chi bộ Đội Quản lý điện Hát Lót",
        "Chi bộ Đội Quản lý điện Cò Nòi")),
    ("Đảng bộ Ngân hàng Nông nghiệp và PTNT chi nhánh Mai Sơn", "enterprise", (
        "Chi bộ Phòng Kế hoạch - Kinh doanh", "Chi bộ Phòng Kế toán - Ngân quỹ")),
    ("Đảng bộ Công ty Cổ phần Nông sản Nà Sản", "enterprise", _FIRM_CELLS[:3]),
    ("Đảng bộ Công ty TNHH MTV Xây dựng và Thủy lợi Mai Sơn", "enterprise", _FIRM_CELLS[:3]),
)

DELTA_PROVINCES = (
    "Thái Bình", "Nam Định", "Hưng Yên", "Thanh Hóa", "Phú Thọ", "Hà Nam", "Ninh Bình",
    "Hải Dương", "Nghệ An", "Hà Nội",
)
OUTSIDE_UNITS = (
    "huyện Yên Châu", "huyện Thuận Châu", "thành phố Sơn La", "huyện Mường La",
    "huyện Mộc Châu", "huyện Sông Mã",
)

# --- names by ethnicity ------------------------------------------------------------------
# (family names, male middle names, female middle names, male given names, female given names)
_THAI_MALE = (
    "Ơn", "Khiêm", "Pấng", "Xiêng", "Hặc", "Ngoan", "Thưởng", "Phóng", "Quyết", "Sơn", "Tiến",
    "Chiến", "Hùng", "Pọm", "Chương", "Dương", "Inh", "Hoan", "Mạnh", "Tươi", "Nọi", "Thiết",
    "Ún", "Khằm", "Thoan", "Phanh", "Hịa", "Xuân", "Thắng", "Pình",
)
_THAI_FEMALE = (
    "Ịn", "Lả", "Ỏm", "Thoa", "Phương", "Hương", "Biên", "Hoa", "Ánh", "Mai", "Xuân", "Lan",
    "Pâng", "Chiêng", "Ngọc", "Thanh", "Hiền", "Hồng", "Hà", "Xiêm", "Ín", "Lói", "Yến", "Ban",
)
_KINH_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Hiếu",
    "Đức", "Kiên", "Lâm", "Tùng", "Hưng",
)
_KINH_FEMALE = (
    "Anh", "Chi", "Dung", "Hạnh", "Hằng", "Hoa", "Huyền", "Hương", "Lan", "Linh", "Loan", "Mai",
    "Nga", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Tuyết", "Yến", "Vân",
    "Hiền",
)
NAMES = {
    THAI: (("Lò", "Cầm", "Lường", "Quàng", "Tòng", "Vì", "Điêu", "Hà", "Bạc", "Mè", "Sa", "Lù",
            "Khoàng", "Hoàng"), ("Văn",), ("Thị",), _THAI_MALE, _THAI_FEMALE),
    KINH: (("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương",
            "Đinh", "Phan", "Trịnh", "Mai"), ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân",
            "Thanh", "Công"), ("Thị", "Thu", "Thanh", "Ngọc", "Minh", "Thị Thu"),
           _KINH_MALE, _KINH_FEMALE),
    HMONG: (("Giàng", "Vàng", "Sùng", "Thào", "Mùa", "Lầu", "Hạng", "Lý", "Cứ", "Tráng", "Vừ",
             "Hờ"), ("A",), ("Thị",),
            ("Sử", "Chứ", "Lềnh", "Pó", "Dế", "Tủa", "Lử", "Chống", "Sình", "Pháy", "Và",
             "Nhìa", "Tu", "Chua", "Dình", "Sáy", "Lâu", "Vư", "Khua", "Cở"),
            ("Dợ", "Mỷ", "Pà", "Dở", "Sua", "Ca", "Mai", "Chở", "Dua", "Ly", "Máy", "Súa", "Dia")),
    MUONG: (("Đinh", "Bùi", "Hà", "Quách", "Xa", "Cao"), ("Văn", "Công"), ("Thị",),
            _KINH_MALE, _KINH_FEMALE),
    DAO: (("Bàn", "Triệu", "Đặng", "Lý", "Phàn", "Chảo"), ("Văn", "Tiến", "Phúc"), ("Thị",),
          ("Phin", "Sành", "Quẩy", "Chòi", "Lở", "Kiềm", "Chàn", "Sinh", "Phú", "Tài"),
          ("Mẩy", "Nái", "Xiêm", "Lai", "Pham", "Slây", "Kiều")),
    KHOMU: (("Lò", "Quàng", "Vì", "Lự", "Tòng", "Cút"), ("Văn",), ("Thị",),
            _THAI_MALE, _THAI_FEMALE),
    XINHMUN: (("Lò", "Vì", "Quàng", "Lường", "Cầm"), ("Văn",), ("Thị",),
              _THAI_MALE, _THAI_FEMALE),
    LAHA: (("Lò", "Quàng", "Lường", "Vì", "Hà"), ("Văn",), ("Thị",), _THAI_MALE, _THAI_FEMALE),
}
# fmt: on

# The demo users: (username, role, where, full name shown in the header).
DEMO_USERS = (
    ("demo-admin", "org_admin", "district", "Quản trị Ban Tổ chức (mẫu)"),
    ("demo-analyst", "org_analyst", "district", "Chuyên viên Ban Tổ chức (mẫu)"),
    ("demo-commune", "commune_staff", "commune", "Văn phòng Đảng ủy xã Nà Bó (mẫu)"),
    ("demo-secretary", "cell_secretary", "secretary_cell", ""),
    ("demo-official", "assigned_official", "official_cells", "Cán bộ huyện được phân công (mẫu)"),
    ("demo-member", "member", "secretary_cell", ""),
)
# The demo users' shared password; sign-in with it tells the user to change theirs
# (settings.CHIBO_SHARED_PASSWORDS, read by chibo.accounts.views.login_view).
DEFAULT_PASSWORD = "chibo-demo-2023"
DEFAULT_SEED = 2023
