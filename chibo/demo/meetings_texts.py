"""Stock Vietnamese texts of the demo's meetings: targets, tasks, topics, what speakers and guests
said, reasons for absence, support visits. Plain data, no database."""

# A cell's yearly targets: (name, unit, low, high, decimals, season). The season says in which
# months progress comes: "spread" all year, "rainy" May–Aug (planting), "dry" Nov–Apr (building),
# "yearend" Oct–Dec (the year's review of poor households), "campaign" Mar–Apr and Sep–Oct
# (vaccination), "percent" a rate reached every month, "admissions" the cell's real admissions.
TARGETS = (
    ("Giảm hộ nghèo", "hộ", 2, 8, 0, "yearend"),
    ("Thu quỹ đảng phí", "%", 100, 100, 0, "percent"),
    ("Kết nạp đảng viên", "người", 1, 2, 0, "admissions"),
    ("Trồng cây ăn quả", "ha", 2, 20, 1, "rainy"),
    ("Làm đường bê tông", "m", 200, 1500, 0, "dry"),
    ("Trồng rừng", "ha", 2, 10, 1, "rainy"),
    ("Xây dựng nhà tiêu hợp vệ sinh", "hộ", 5, 20, 0, "spread"),
    ("Cải tạo vườn tạp", "ha", 1, 5, 1, "spread"),
    ("Kiên cố hóa kênh mương", "m", 100, 800, 0, "dry"),
    ("Hộ được sử dụng nước sạch", "hộ", 5, 30, 0, "spread"),
    ("Phát triển đàn gia súc", "con", 20, 120, 0, "spread"),
    ("Tiêm phòng cho đàn gia súc", "con", 100, 600, 0, "campaign"),
    ("Xóa nhà tạm, nhà dột nát", "nhà", 1, 4, 0, "yearend"),
)
SEASONS = {
    "spread": tuple(range(1, 13)),
    "rainy": (5, 6, 7, 8),
    "dry": (1, 2, 3, 4, 11, 12),
    "yearend": (10, 11, 12),
    "campaign": (3, 4, 9, 10),
}
POVERTY, DUES, ADMISSION = TARGETS[0][0], TARGETS[1][0], TARGETS[2][0]

TASKS_BY_TARGET = {
    "Giảm hộ nghèo": (
        "Rà soát, cập nhật danh sách hộ nghèo, hộ cận nghèo",
        "Vận động hộ nghèo vay vốn Ngân hàng Chính sách xã hội",
        "Hướng dẫn hộ nghèo tham gia mô hình nuôi bò sinh sản",
    ),
    "Thu quỹ đảng phí": ("Thu, nộp đảng phí đầy đủ, đúng hạn",),
    "Kết nạp đảng viên": (
        "Bồi dưỡng quần chúng ưu tú, hoàn thiện hồ sơ đề nghị kết nạp",
        "Giới thiệu đoàn viên ưu tú học lớp nhận thức về Đảng",
    ),
    "Trồng cây ăn quả": (
        "Vận động các hộ chuyển đất trồng ngô trên nương sang trồng xoài, nhãn",
        "Hướng dẫn kỹ thuật ghép, chăm sóc cây ăn quả",
        "Đăng ký cây giống với Trung tâm Dịch vụ nông nghiệp",
    ),
    "Làm đường bê tông": (
        "Vận động nhân dân hiến đất, góp ngày công làm đường nội bản",
        "Tập kết vật liệu, tổ chức đổ bê tông đoạn đường đã đăng ký",
        "Thu quỹ đối ứng làm đường theo nghị quyết của bản",
    ),
    "Trồng rừng": (
        "Chuẩn bị hố, nhận cây giống trồng rừng",
        "Phát dọn thực bì, trồng rừng trên diện tích đã giao",
    ),
    "Xây dựng nhà tiêu hợp vệ sinh": (
        "Vận động các hộ xây dựng nhà tiêu hợp vệ sinh",
        "Kiểm tra, hướng dẫn các hộ đã đăng ký xây nhà tiêu",
    ),
    "Cải tạo vườn tạp": ("Hướng dẫn các hộ cải tạo vườn tạp, trồng rau an toàn",),
    "Kiên cố hóa kênh mương": (
        "Huy động ngày công nạo vét, kiên cố hóa kênh mương nội đồng",
        "Tập kết vật liệu làm kênh mương",
    ),
    "Hộ được sử dụng nước sạch": (
        "Sửa chữa bể nước, đường ống dẫn nước sinh hoạt",
        "Vận động các hộ lắp đặt đường ống nước sạch",
    ),
    "Phát triển đàn gia súc": ("Hướng dẫn các hộ làm chuồng trại, trồng cỏ chăn nuôi",),
    "Tiêm phòng cho đàn gia súc": (
        "Phối hợp thú y xã tiêm phòng lở mồm long móng cho đàn trâu, bò",
        "Thống kê đàn gia súc, vận động các hộ tiêm phòng",
    ),
    "Xóa nhà tạm, nhà dột nát": ("Huy động ngày công giúp hộ khó khăn làm nhà",),
}
GENERAL_TASKS = (
    "Tuyên truyền phòng, chống ma túy và tệ nạn xã hội trong bản",
    "Tổ chức tuần tra, giữ gìn an ninh trật tự trên địa bàn",
    "Ra quân vệ sinh đường làng, ngõ xóm, khơi thông cống rãnh",
    "Vận động nhân dân tham gia bảo hiểm y tế, bảo hiểm xã hội tự nguyện",
    "Hòa giải mâu thuẫn, tranh chấp trong nhân dân",
    "Nắm tình hình tư tưởng đảng viên và nhân dân, báo cáo chi ủy",
    "Tuyên truyền thực hiện nếp sống văn minh trong việc cưới, việc tang",
)
SEASONAL_TASKS = {
    1: ("Tổ chức cho nhân dân đón Tết vui tươi, an toàn, tiết kiệm",),
    2: ("Tổ chức cho nhân dân đón Tết vui tươi, an toàn, tiết kiệm",),
    3: ("Tuyên truyền phòng, chống cháy rừng mùa khô",),
    4: ("Tuyên truyền phòng, chống cháy rừng mùa khô",),
    6: ("Khơi thông mương thoát nước, phòng chống lũ quét, sạt lở",),
    7: ("Khơi thông mương thoát nước, phòng chống lũ quét, sạt lở",),
    8: ("Vận động học sinh ra lớp đầu năm học",),
    9: ("Chuẩn bị tổ chức Ngày hội Đại đoàn kết toàn dân tộc",),
    11: ("Tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư",),
}
COVID_TASKS = (
    "Tuyên truyền, vận động nhân dân tiêm vắc xin phòng COVID-19",
    "Thực hiện khai báo y tế, theo dõi người từ vùng dịch về bản",
)
AGENCY_TASKS = (
    "Hoàn thành báo cáo công tác chuyên môn tháng đúng hạn",
    "Thực hiện cải cách hành chính, chuyển đổi số trong cơ quan",
    "Cập nhật văn bản mới, hướng dẫn thực hiện trong đơn vị",
    "Tham gia hiến máu tình nguyện",
    "Vận động đóng góp Quỹ Vì người nghèo",
    "Giúp đỡ bản kết nghĩa, thăm hỏi gia đình chính sách",
    "Giữ gìn vệ sinh, an toàn cơ quan",
    "Thu, nộp đảng phí đầy đủ, đúng hạn",
)
AGENCY_MASS_ORGS = ("Công đoàn", "Chi đoàn Thanh niên", "Ban Nữ công", "Hội Cựu chiến binh")
MASS_ORGS = (
    "Chi hội Phụ nữ",
    "Chi đoàn Thanh niên",
    "Chi hội Nông dân",
    "Chi hội Cựu chiến binh",
    "Ban công tác Mặt trận",
)
REVIEW_LATE = (
    "Hoàn thành nhưng chậm so với thời hạn",
    "Hoàn thành chậm do thời tiết",
    "Hoàn thành chậm, vật liệu về muộn",
)
REVIEW_NOT_DONE = (
    "Chưa thực hiện, chuyển sang tháng sau",
    "Các hộ chưa đồng thuận, tiếp tục vận động",
    "Chưa có kinh phí, đề nghị xã hỗ trợ",
)

THEMATIC_TOPICS = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Xây dựng nông thôn mới gắn với chỉnh trang khu dân cư",
    "Giảm nghèo bền vững ở bản đặc biệt khó khăn",
    "Phòng, chống ma túy và tệ nạn xã hội",
    "Giữ gìn an ninh trật tự, phòng chống di cư tự do",
    "Phát triển cây ăn quả trên đất dốc",
    "Thực hiện dân chủ ở cơ sở",
    "Quán triệt Nghị quyết số 02-NQ/TU của Ban Chấp hành Đảng bộ tỉnh",
    "Bảo vệ và phát triển rừng, phòng chống cháy rừng",
    "Vai trò của đảng viên trong phát triển kinh tế hộ gia đình",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Giữ gìn bản sắc văn hóa dân tộc, xây dựng bản văn hóa",
)
AGENCY_TOPICS = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Quán triệt Nghị quyết số 02-NQ/TU của Ban Chấp hành Đảng bộ tỉnh",
    "Thực hiện dân chủ ở cơ sở",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Cải cách hành chính, chuyển đổi số trong cơ quan",
    "Phòng, chống tham nhũng, lãng phí, tiêu cực",
    "Nêu cao trách nhiệm nêu gương của cán bộ, đảng viên",
)
COVID_TOPIC = "Phòng, chống dịch COVID-19 ở khu dân cư"

ABSENCE_REASONS = ("Ốm", "Đi làm ăn xa", "Việc gia đình")
EXEMPT_REASON = "Được miễn sinh hoạt"

CHAIR_GISTS = (
    "Báo cáo kết quả thực hiện nghị quyết tháng trước; các nhiệm vụ cơ bản hoàn thành",
    "Đánh giá tiến độ thực hiện các chỉ tiêu năm; đề nghị đảng viên gương mẫu đi đầu",
    "Thông báo văn bản mới của cấp trên; quán triệt nhiệm vụ trọng tâm tháng tới",
)
MEMBER_GISTS = (
    "Đề nghị chi bộ quan tâm hơn đến việc vận động các hộ nghèo phát triển sản xuất",
    "Báo cáo kết quả nhiệm vụ được giao; đề nghị xã hỗ trợ thêm cây giống",
    "Nhất trí với báo cáo; đề nghị phân công cụ thể đảng viên phụ trách từng nhóm hộ",
    "Phản ánh tình hình an ninh trật tự trong bản, đề nghị tăng cường tuần tra ban đêm",
    "Đề nghị tổ chức họp dân bàn việc làm đường, thống nhất mức đóng góp",
    "Tự phê bình chưa hoàn thành nhiệm vụ tháng trước, xin khắc phục trong tháng tới",
    "Đề nghị chi bộ quan tâm bồi dưỡng đoàn viên ưu tú để giới thiệu kết nạp",
    "Phản ánh giá nông sản xuống thấp, đề nghị tìm đầu ra cho sản phẩm của bà con",
)
GUIDANCE = (
    "Đề nghị chi bộ bám sát chỉ tiêu năm, phân công cụ thể cho từng đảng viên",
    "Ghi nhận kết quả của chi bộ; lưu ý nội dung sinh hoạt cần ngắn gọn, tập trung",
    "Đề nghị chi ủy nắm chắc tình hình tư tưởng, đời sống của nhân dân",
    "Đề nghị chi bộ quan tâm công tác phát triển đảng viên trong đoàn viên thanh niên",
    "Hướng dẫn chi bộ ghi biên bản, nghị quyết tháng theo đúng mẫu",
    "Đề nghị tăng cường vận động nhân dân giữ gìn an ninh trật tự, phòng chống ma túy",
    "Đề nghị chi bộ đẩy nhanh tiến độ làm đường bê tông, kênh mương",
    "Đề nghị đảng viên gương mẫu trong thực hiện nếp sống văn minh",
)
POLICE_GUIDANCE = (
    "Thông tin tình hình an ninh trật tự trên địa bàn xã; đề nghị nhân dân cảnh giác",
    "Đề nghị bản duy trì tổ an ninh tự quản, tuần tra ban đêm",
    "Hướng dẫn khai báo tạm trú, tạm vắng và làm căn cước công dân",
    "Tuyên truyền phòng, chống ma túy, mua bán người",
)
RETURN_COMMENTS = (
    "Biên bản chưa ghi đủ ý kiến thảo luận của đảng viên, đề nghị bổ sung",
    "Chưa ghi rõ người thực hiện và thời hạn các nhiệm vụ tháng tới",
    "Nghị quyết tháng chưa bám sát chỉ tiêu năm, đề nghị chi bộ hoàn thiện",
)

# District cadres of the Party and mass-organization bloc (cán bộ khối đảng, đoàn thể huyện).
DISTRICT_OFFICES = (
    "Văn phòng Huyện ủy",
    "Ban Tổ chức Huyện ủy",
    "Ủy ban Kiểm tra Huyện ủy",
    "Ban Tuyên giáo Huyện ủy",
    "Ban Dân vận Huyện ủy",
    "Ủy ban MTTQ Việt Nam huyện",
    "Huyện đoàn Mai Sơn",
    "Hội Liên hiệp Phụ nữ huyện",
    "Hội Nông dân huyện",
    "Hội Cựu chiến binh huyện",
)
SUPPORT_ACTIVITIES = (
    "Tặng quà Tết cho hộ nghèo, hộ có hoàn cảnh khó khăn",
    "Hỗ trợ xi măng làm đường bê tông nội bản",
    "Hướng dẫn kỹ thuật trồng và chăm sóc xoài ghép",
    "Tặng sách vở, đồ dùng học tập cho học sinh",
    "Hỗ trợ sửa chữa nhà văn hóa bản",
    "Hỗ trợ cây giống cà phê, cây ăn quả",
    "Cùng chi bộ bản rà soát hộ nghèo, bàn giải pháp thoát nghèo",
    "Hỗ trợ ngày công xóa nhà tạm cho hộ nghèo",
    "Tặng chăn ấm, áo ấm cho người già và trẻ em",
    "Hướng dẫn chi bộ xây dựng nghị quyết, kế hoạch phát triển bản",
)
VISITOR_TITLES = ("Bí thư", "Phó Bí thư", "Chủ tịch Công đoàn", "Bí thư Chi đoàn", "Trưởng phòng")
