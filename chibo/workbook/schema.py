"""The sheets of the workbook, in the order they are written: each names its columns (the
Vietnamese header is the contract with the people who fill it), the model its rows become and
the natural key that finds a row already in the database.

Sheet and column names are a file format: fixed Vietnamese, whatever the interface language.
"""

from chibo.accounts.models import Role, RoleAssignment, User
from chibo.admissions.models import AdmissionStep, AdmissionTarget, Candidate, Step
from chibo.committees.models import (
    CommuneLeader,
    CommuneOfficial,
    ConcurrentRole,
    LeadershipTarget,
    Position,
    RoleModel,
    RoleModelRule,
    SuccessionPlan,
    Term,
    Title,
)
from chibo.congresses.models import (
    CellCongress,
    CongressDraft,
    CongressPlan,
    RegulationReview,
    WorkingRegulation,
)
from chibo.criteria.models import CriteriaItem, CriteriaSet, VillageCriterionStatus
from chibo.meetings.models import (
    Attendance,
    CellMeeting,
    CellType,
    DayShift,
    FollowAssignment,
    Guest,
    MeetingRule,
    QualityClass,
    ScoreEntry,
    SupportAssignment,
    SupportVisit,
    Task,
)
from chibo.members.models import (
    BadgeAward,
    Membership,
    PartyInterruption,
    Sex,
    Status,
    StatusChange,
    TemporaryStay,
    TheoryLevel,
)
from chibo.organizations.models import Commune, Organization, OrganizationEvent, Village
from chibo.plans.models import PlanTarget, VillagePlan
from chibo.ratings.models import CellRating, MemberRating
from chibo.targets.models import Target, TargetProgress
from chibo.training.models import (
    Contest,
    Contestant,
    ContestRound,
    Enrollment,
    TheoryLevelChange,
    TrainingCourse,
)

from . import governance, hooks, people, tree
from .engine import Sheet
from .spec import YEARS, Col, Invalid

K = Organization.Kind


def _month_of(attrs, run):
    day = attrs.get("scheduled_date")
    if day is None:
        raise Invalid("Thiếu ngày dự kiến.")
    attrs["month"] = day.replace(day=1)


def _membership_prepare(attrs, run):
    hooks.membership_prepare(attrs, run)  # one cell at a time
    people.prepare_membership(attrs, run)  # a blank «Lý do»: admitted or imported, by its start


def _first_of_month(attrs, run):
    if attrs.get("month"):
        attrs["month"] = attrs["month"].replace(day=1)


def _none_if_blank(*names):
    def prepare(attrs, run):
        for n in names:
            if attrs.get(n) == "":
                attrs[n] = None

    return prepare


ORGANIZATIONS = Sheet(
    name="Tổ chức",
    help="Mỗi tổ chức đảng một dòng: tỉnh/huyện ủy, tổ chức cơ sở, chi bộ. Tổ chức cấp trên "
    "phải có trong tệp (ở dòng nào cũng được) hoặc đã có trong chibo. Chi bộ cơ sở là chi bộ "
    "trực thuộc đảng bộ huyện/tỉnh.",
    columns=[
        Col("Mã", "code", required=True, max_length=30),
        Col("Tên", "name", required=True, max_length=200),
        Col("Loại", "kind", "choice", required=True, choices=K),
        Col("Loại cơ sở", "grassroots_type", "choice", choices=Organization.GrassrootsType),
        Col("Loại chi bộ", "cell_type", "choice", choices=Organization.CellType),
        Col("Mã cấp trên", "parent", "ref", ref="org"),
        Col("Hiệu lực từ", "valid_from", "date", required=True),
        Col("Hết hiệu lực từ", "valid_to", "date"),
    ],
    model=Organization,
    provides="org",
    ref_attr="code",
    apply=tree.apply_organizations,
    export=tree.export_organizations,
    max_rows=20_000,
)

PERIODS = Sheet(
    name="Lịch sử tổ chức",
    help="Tên và cấp trên của một tổ chức trong từng khoảng thời gian (đổi tên, chuyển trực "
    "thuộc). Bỏ trống trang này: mỗi tổ chức có một khoảng, từ ngày hiệu lực.",
    columns=[
        Col("Mã tổ chức", "organization", required=True),
        Col("Tên", "name", required=True, max_length=200),
        Col("Mã cấp trên", "parent"),
        Col("Từ ngày", "valid_from", "date", required=True),
        Col("Đến ngày", "valid_to", "date"),
    ],
    apply=tree.apply_periods,
    export=tree.export_periods,
    max_rows=100_000,
)

EVENTS = Sheet(
    name="Sự kiện tổ chức",
    help="Thành lập, đổi tên, sáp nhập, chia tách, chuyển trực thuộc, giải thể.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Sự kiện", "kind", "choice", required=True, choices=OrganizationEvent.Kind),
        Col("Ngày", "on", "date", required=True),
        Col("Tổ chức liên quan", "related", "refs"),
        Col("Quyết định", "decision", max_length=100),
        Col("Ghi chú", "note", max_length=300),
    ],
    model=OrganizationEvent,
    key=("organization_id", "kind", "on"),
    apply=tree.apply_events,
    export=tree.export_events,
    max_rows=100_000,
)

COMMUNES = Sheet(
    name="Xã",
    help="Đơn vị hành chính cấp xã (xã, phường, thị trấn). Đảng bộ xã lãnh đạo xã ghi ở trang "
    "«Đảng bộ lãnh đạo xã».",
    columns=[
        Col("Mã", "code", required=True),
        Col("Tên", "name", required=True),
        Col("Loại", "kind", "choice", choices=Commune.Kind),
        Col("Hiệu lực từ", "valid_from", "date", required=True),
        Col("Hết hiệu lực từ", "valid_to", "date"),
    ],
    model=Commune,
    key=("code",),
    provides="commune",
    ref_attr="code",
    audit_each=True,
    defaults={"kind": Commune.Kind.COMMUNE},
    export=tree.export_communes,
    max_rows=20_000,
)

COMMUNE_LINKS = Sheet(
    name="Đảng bộ lãnh đạo xã",
    help="Đảng bộ xã nào lãnh đạo xã nào, từ ngày nào đến ngày nào (không kể ngày cuối): cả các "
    "khoảng đã qua, như trước và sau khi sắp xếp năm 2025, để số liệu của một ngày đã qua vẫn như "
    "cũ. Một xã mỗi ngày chỉ do một đảng bộ lãnh đạo; khoảng chưa có ngày kết thúc là đảng bộ "
    "hiện nay.",
    columns=[
        Col("Mã xã", "commune", "ref", required=True, ref="commune"),
        Col("Mã đảng bộ", "committee", "ref", required=True, ref="org"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    apply=tree.apply_commune_links,
    export=tree.export_commune_links,
    max_rows=20_000,
)

VILLAGES = Sheet(
    name="Thôn, bản",
    help="Thôn, bản, tiểu khu, tổ dân phố. «Mã xã» là xã hiện nay (xã cuối cùng nếu thôn đã hết "
    "hiệu lực); các xã theo ngày ghi ở trang «Xã của thôn, bản». Chi bộ phục vụ thôn ghi ở trang "
    "«Chi bộ phục vụ».",
    columns=[
        Col("Mã", "code", required=True),
        Col("Tên", "name", required=True),
        Col("Loại", "kind", "choice", choices=Village.Kind),
        Col("Mã xã", "commune", "ref", required=True, ref="commune"),
        Col("Đặc biệt khó khăn", "especially_disadvantaged", "bool"),
        Col("Số hộ", "households", "int"),
        Col("Hiệu lực từ", "valid_from", "date", required=True),
        Col("Hết hiệu lực từ", "valid_to", "date"),
    ],
    model=Village,
    key=("code",),
    provides="village",
    ref_attr="code",
    audit_each=True,
    defaults={"kind": Village.Kind.BAN, "especially_disadvantaged": False},
    export=tree.export_villages,
    prepare=tree.village_commune_unchanged,
    max_rows=100_000,
)

VILLAGE_COMMUNES = Sheet(
    name="Xã của thôn, bản",
    help="Thôn nào thuộc xã nào, từ ngày nào đến ngày nào (không kể ngày cuối): cả các khoảng đã "
    "qua, như trước và sau khi các xã sáp nhập năm 2025, để số liệu của một ngày đã qua vẫn như "
    "cũ. Một thôn mỗi ngày chỉ thuộc một xã. Bỏ trống: thôn thuộc xã ở trang «Thôn, bản» suốt "
    "thời gian có hiệu lực.",
    columns=[
        Col("Mã thôn", "village", "ref", required=True, ref="village"),
        Col("Mã xã", "commune", "ref", required=True, ref="commune"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    apply=tree.apply_village_communes,
    export=tree.export_village_communes,
    max_rows=100_000,
)

VILLAGE_LINKS = Sheet(
    name="Chi bộ phục vụ",
    help="Chi bộ thôn nào phục vụ thôn nào, từ ngày nào đến ngày nào (không kể ngày cuối). "
    "Một thôn mỗi ngày chỉ do một chi bộ phục vụ.",
    columns=[
        Col("Mã thôn", "village", "ref", required=True, ref="village"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    apply=tree.apply_village_links,
    export=tree.export_village_links,
    max_rows=100_000,
)

USERS = Sheet(
    name="Tài khoản",
    help="Tài khoản đăng nhập (không có mật khẩu: người quản trị đặt mật khẩu sau khi nhập).",
    columns=[
        Col("Tên đăng nhập", "username", required=True, max_length=150),
        Col("Họ và tên", "full_name", max_length=200),
        Col("Thư điện tử", "email", max_length=254),
        Col("Số hiệu đảng viên", "member"),
        Col("Đang hoạt động", "is_active", "bool"),
    ],
    provides="user",
    ref_attr="username",
    apply=people.apply_users,
    export=people.export_users,
    max_rows=100_000,
)

MEMBERS = Sheet(
    name="Đảng viên",
    help="Mỗi đảng viên một dòng. «Số hiệu» là mã để các trang khác gọi đến đảng viên này: số "
    "thẻ đảng viên, hoặc số CCCD, hoặc một mã tự đặt. Người đã có trong chibo được nhận ra theo "
    "số thẻ, số CCCD, hoặc họ tên + ngày sinh + ngày vào Đảng.",
    columns=[
        Col("Số hiệu", "ref", required=True, max_length=40),
        Col("Họ và tên", "full_name", required=True),
        Col("Tên gọi khác", "other_names"),
        Col("Giới tính", "sex", "choice", required=True, choices=Sex),
        Col("Ngày sinh", "birth_date", "date", required=True),
        Col("Nơi sinh", "birthplace"),
        Col("Quê quán", "hometown"),
        Col("Nơi ở hiện nay", "residence"),
        Col("Dân tộc", "ethnicity", required=True),
        Col("Tôn giáo", "religion"),
        Col("Nghề nghiệp", "occupation"),
        Col("Số CCCD", "citizen_id", max_length=12),
        Col("Số thẻ đảng viên", "party_card_number", max_length=20),
        Col("Ngày vào Đảng", "admission_date", "date", required=True),
        Col("Ngày chính thức", "official_date", "date"),
        Col("Giáo dục phổ thông", "education"),
        Col("Chuyên môn", "qualification"),
        Col("Lý luận chính trị", "theory_level", "choice", choices=TheoryLevel),
        Col("Ngoại ngữ", "foreign_language"),
        Col("Tin học", "it_level"),
        Col("Trạng thái", "status", "choice", choices=Status),
        Col("Trạng thái từ ngày", "status_since", "date"),
        Col("Mã chi bộ", "cell", required=True),
        Col("Sinh hoạt ở chi bộ từ ngày", "joined_cell_on", "date"),
    ],
    provides="member",
    ref_attr="ref",
    apply=people.apply_members,
    export=people.export_members,
    max_rows=150_000,
)

MEMBERSHIPS = Sheet(
    name="Quá trình sinh hoạt",
    help="Các chi bộ một đảng viên đã sinh hoạt, từ ngày đến ngày (không kể ngày cuối). Bỏ "
    "trống: chibo tính từ «Mã chi bộ» và «Sinh hoạt ở chi bộ từ ngày» của trang Đảng viên.",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
        Col("Lý do", "reason", "choice", choices=Membership.Reason),
        Col("Ghi chú", "note", max_length=200),
        Col("Số giấy giới thiệu", "letter_number", max_length=50),
    ],
    model=Membership,
    key=("member_id", "start"),
    prepare=_membership_prepare,
    source=lambda ctx: Membership.objects.filter(
        member_id__in=list(ctx.member_ref), cell_id__in=list(ctx.org_code)
    ).order_by("member_id", "start"),
    max_rows=300_000,
)

STATUS_CHANGES = Sheet(
    name="Thay đổi trạng thái",
    help="Miễn sinh hoạt, chuyển đi, từ trần, ra khỏi Đảng... theo ngày.",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Trạng thái mới", "status", "choice", required=True, choices=Status),
        Col("Trạng thái trước", "previous", "choice", required=True, choices=Status),
        Col("Ngày", "on", "date", required=True),
        Col("Ghi chú", "note", max_length=300),
        Col("Loại biến động", "kind", "choice", choices=StatusChange.Kind),
        Col("Lý do", "reason", max_length=300),
        Col("Đến ngày", "until", "date"),
        Col("Cấp quyết định", "decided_by", max_length=200),
        Col("Số quyết định", "decision_number", max_length=50),
        Col("Số giấy giới thiệu", "letter_number", max_length=50),
        Col("Nơi chuyển đi / đến", "place", max_length=200),
    ],
    model=StatusChange,
    key=("member_id", "on", "status"),
    source=lambda ctx: StatusChange.objects.filter(member_id__in=list(ctx.member_ref)).order_by(
        "member_id", "on", "id"
    ),
    max_rows=300_000,
)

THEORY_CHANGES = Sheet(
    name="Lý luận chính trị",
    help="Các lần nâng trình độ lý luận chính trị của đảng viên.",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Trình độ trước", "previous", "choice", required=True, choices=TheoryLevel),
        Col("Trình độ mới", "level", "choice", required=True, choices=TheoryLevel),
        Col("Ngày", "on", "date", required=True),
    ],
    model=TheoryLevelChange,
    key=("member_id", "on", "level"),
    source=lambda ctx: TheoryLevelChange.objects.filter(
        member_id__in=list(ctx.member_ref)
    ).order_by("member_id", "on", "id"),
    max_rows=300_000,
)

BADGES = Sheet(
    name="Huy hiệu Đảng",
    help="Huy hiệu Đảng đã trao: mỗi đảng viên một dòng cho mỗi mốc tuổi Đảng (30, 40... năm).",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Huy hiệu (năm tuổi Đảng)", "years", "int", required=True, bounds=(1, 100)),
        Col("Ngày trao tặng", "awarded_on", "date", required=True),
        Col("Cấp quyết định", "decided_by"),
        Col("Số quyết định", "decision_number"),
        Col("Ghi chú", "note"),
    ],
    model=BadgeAward,
    key=("member_id", "years"),
    source=lambda ctx: BadgeAward.objects.filter(member_id__in=list(ctx.member_ref)).order_by(
        "member_id", "years"
    ),
    max_rows=300_000,
)

INTERRUPTIONS = Sheet(
    name="Gián đoạn tuổi Đảng",
    help="Thời gian đảng viên ở ngoài Đảng (giữa lần ra khỏi Đảng và lần kết nạp lại), không "
    "tính vào tuổi Đảng; từ ngày đến ngày (không kể ngày cuối).",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date", required=True),
        Col("Ghi chú", "note"),
    ],
    model=PartyInterruption,
    key=("member_id", "start"),
    source=lambda ctx: PartyInterruption.objects.filter(
        member_id__in=list(ctx.member_ref)
    ).order_by("member_id", "start"),
)

STAYS = Sheet(
    name="Sinh hoạt tạm thời",
    help="Đảng viên sinh hoạt tạm thời ở chi bộ khác: mã chi bộ nếu chi bộ có trong chibo, nếu "
    "không thì tên nơi sinh hoạt; từ ngày đến ngày (không kể ngày cuối).",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Mã chi bộ nơi sinh hoạt", "host_cell", "ref", ref="org"),
        Col("Nơi sinh hoạt (nếu ngoài chibo)", "host_name"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
        Col("Số giấy giới thiệu", "letter_number"),
        Col("Ghi chú", "note"),
    ],
    model=TemporaryStay,
    key=("member_id", "start"),
    prepare=hooks.stay_host_given,
    export=hooks.export_stays,
    max_rows=100_000,
)

ROLES = Sheet(
    name="Vai trò",
    help="Vai trò của một tài khoản tại một tổ chức (và mọi tổ chức trực thuộc), theo ngày.",
    columns=[
        Col("Tên đăng nhập", "user", "ref", required=True, ref="user"),
        Col("Vai trò", "role", "choice", required=True, choices=Role),
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Từ ngày", "valid_from", "date", required=True),
        Col("Đến ngày", "valid_to", "date"),
        Col("Ghi chú", "note", max_length=200),
    ],
    model=RoleAssignment,
    key=("user_id", "role", "organization_id", "valid_from"),
    audit_each=True,
    source=lambda ctx: RoleAssignment.objects.filter(
        organization_id__in=list(ctx.org_code), user_id__in=list(ctx.username)
    ).order_by("user_id", "valid_from", "id"),
    max_rows=100_000,
)

TERMS = Sheet(
    name="Nhiệm kỳ",
    help="Nhiệm kỳ cấp ủy của từng tổ chức, ví dụ 2023-2025, với ngày đại hội.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Nhiệm kỳ", "name", required=True),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date", required=True),
        Col("Ngày đại hội", "congress_date", "date"),
    ],
    model=Term,
    key=("organization_id", "start"),
    provides="term",
    ref_attr="ref_code",
    prepare=hooks.term_ref,
    source=lambda ctx: Term.objects.filter(organization_id__in=list(ctx.org_code)).order_by("id"),
    max_rows=100_000,
)

POSITIONS = Sheet(
    name="Chức vụ cấp ủy",
    help="Bí thư, phó bí thư, cấp ủy viên của từng tổ chức, từ ngày đến ngày.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Nhiệm kỳ", "term"),
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Chức danh", "title", "choice", required=True, choices=Title),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
        Col("Hình thức", "obtained", "choice", choices=Position.Obtained),
        Col("Quyết định", "decision"),
    ],
    model=Position,
    key=("organization_id", "member_id", "title", "start"),
    prepare=hooks.term_of_position,
    defaults={"obtained": Position.Obtained.ELECTED},
    export=hooks.export_positions,
    max_rows=200_000,
)

POSTS = Sheet(
    name="Kiêm nhiệm ở thôn",
    help="Trưởng thôn, phó trưởng thôn, trưởng ban công tác mặt trận, công an viên...: một "
    "đảng viên (Số hiệu) hoặc một người ngoài Đảng (Họ tên).",
    columns=[
        Col("Mã thôn", "village", "ref", required=True, ref="village"),
        Col("Chức danh", "kind", "choice", required=True, choices=ConcurrentRole.Kind),
        Col("Số hiệu đảng viên", "member", "ref", ref="member"),
        Col("Họ tên (nếu không là đảng viên)", "person_name"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    model=ConcurrentRole,
    key=("village_id", "kind", "start"),
    prepare=hooks.holder_given,
    export=hooks.export_posts,
    max_rows=200_000,
)

COMMUNE_LEADERS = Sheet(
    name="Lãnh đạo xã",
    help="Bí thư đảng ủy và chủ tịch UBND xã, có phải người địa phương không.",
    columns=[
        Col("Mã đảng ủy xã", "commune", "ref", required=True, ref="org"),
        Col("Chức danh", "post", "choice", required=True, choices=CommuneLeader.Post),
        Col("Họ và tên", "full_name", required=True),
        Col("Số hiệu đảng viên", "member", "ref", ref="member"),
        Col("Người địa phương", "is_local", "bool", required=True),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    model=CommuneLeader,
    key=("commune_id", "post", "start"),
    source=lambda ctx: CommuneLeader.objects.filter(commune_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
)

LEADERSHIP_TARGETS = Sheet(
    name="Chỉ tiêu lãnh đạo xã",
    help="Chỉ tiêu nhiệm kỳ về bí thư, chủ tịch xã không phải người địa phương.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Nhiệm kỳ", "term_name", required=True),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date", required=True),
        Col("Chỉ tiêu không phải người địa phương", "nonlocal_target", "int", required=True),
    ],
    model=LeadershipTarget,
    key=("organization_id", "term_name"),
    source=lambda ctx: LeadershipTarget.objects.filter(
        organization_id__in=list(ctx.org_code)
    ).order_by("id"),
)

COMMUNE_OFFICIALS = Sheet(
    name="Cán bộ xã",
    help="Cán bộ, công chức xã và kết quả đánh giá chuẩn.",
    columns=[
        Col("Mã đảng ủy xã", "commune", "ref", required=True, ref="org"),
        Col("Họ và tên", "full_name", required=True),
        Col("Số hiệu đảng viên", "member", "ref", ref="member"),
        Col("Chức vụ", "post", required=True),
        Col("Đạt chuẩn", "meets_standard", "bool", required=True),
        Col("Lý do chưa đạt", "reason"),
        Col("Ngày đánh giá", "assessed_on", "date", required=True),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    model=CommuneOfficial,
    key=("commune_id", "full_name", "post", "start"),
    source=lambda ctx: CommuneOfficial.objects.filter(commune_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
)

SUCCESSION = Sheet(
    name="Quy hoạch",
    help="Đảng viên được quy hoạch vào một chức danh, theo nhiệm kỳ.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Nhiệm kỳ quy hoạch", "term_name", required=True),
        Col("Chức danh", "title", "choice", required=True, choices=Title),
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Ngày phê duyệt", "approved_on", "date", required=True),
        Col("Đưa ra khỏi quy hoạch", "removed_on", "date"),
        Col("Ghi chú", "note"),
    ],
    model=SuccessionPlan,
    key=("organization_id", "term_name", "title", "member_id"),
    source=lambda ctx: SuccessionPlan.objects.filter(
        organization_id__in=list(ctx.org_code)
    ).order_by("id"),
)

ADMISSION_TARGETS = Sheet(
    name="Chỉ tiêu kết nạp",
    help="Số đảng viên một tổ chức được giao kết nạp trong năm, theo ngày giao (cấp trên giao "
    "cho tổ chức cơ sở; đảng ủy cơ sở có thể chia cho chi bộ). Giao lại là một dòng mới với "
    "ngày giao sau.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Chỉ tiêu kết nạp", "value", "int", required=True),
        Col("Ngày giao", "decided_on", "date", required=True),
        Col("Số văn bản", "number"),
    ],
    model=AdmissionTarget,
    key=("organization_id", "year", "decided_on"),
    source=lambda ctx: AdmissionTarget.objects.filter(
        organization_id__in=list(ctx.org_code)
    ).order_by("id"),
)

CANDIDATES = Sheet(
    name="Quần chúng ưu tú",
    help="Quần chúng ưu tú chi bộ bồi dưỡng để kết nạp, kể cả người đã được kết nạp (ghi số "
    "hiệu đảng viên). «Mã hồ sơ» do bạn đặt, để trang Các bước kết nạp gọi đến.",
    columns=[
        Col("Mã hồ sơ", "ref_code", required=True, max_length=40),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Ngày đưa vào danh sách", "listed_on", "date", required=True),
        Col("Họ và tên", "full_name", required=True),
        Col("Giới tính", "sex", "choice", required=True, choices=Sex),
        Col("Ngày sinh", "birth_date", "date", required=True),
        Col("Dân tộc", "ethnicity", required=True),
        Col("Tôn giáo", "religion"),
        Col("Nghề nghiệp", "occupation"),
        Col("Giáo dục phổ thông", "education"),
        Col("Chuyên môn", "qualification"),
        Col("Quê quán", "hometown"),
        Col("Nơi ở hiện nay", "residence"),
        Col("Số CCCD", "citizen_id"),
        Col("Số hiệu đảng viên (khi đã kết nạp)", "member", "ref", ref="member"),
    ],
    model=Candidate,
    key=("cell_id", "full_name", "birth_date", "listed_on"),
    provides="candidate",
    ref_attr="ref_code",
    prepare=hooks.candidate_cells_default,
    source=lambda ctx: Candidate.objects.filter(cell_id__in=list(ctx.org_code)).order_by("id"),
    max_rows=100_000,
)

CANDIDATE_CELLS = Sheet(
    name="Chi bộ của quần chúng",
    help="Quần chúng ưu tú thuộc chi bộ nào, từ ngày nào đến ngày nào (không kể ngày cuối): từ "
    "ngày đưa vào danh sách, đổi khi chi bộ hợp nhất, chia tách. Một quần chúng mỗi ngày chỉ "
    "thuộc một chi bộ; không ghi thì thuộc chi bộ ở trang Quần chúng ưu tú từ ngày đưa vào "
    "danh sách.",
    columns=[
        Col("Mã hồ sơ", "candidate", "ref", required=True, ref="candidate"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
    ],
    apply=tree.apply_candidate_cells,
    export=tree.export_candidate_cells,
    max_rows=100_000,
)

ADMISSION_STEPS = Sheet(
    name="Các bước kết nạp",
    help="Các bước của hồ sơ kết nạp (học lớp nhận thức, đơn, giới thiệu, nghị quyết, quyết "
    "định, lễ kết nạp, công nhận chính thức...), mỗi bước một dòng với ngày và số văn bản.",
    columns=[
        Col("Mã hồ sơ", "candidate", "ref", required=True, ref="candidate"),
        Col("Bước", "kind", "choice", required=True, choices=Step),
        Col("Ngày", "on", "date", required=True),
        Col("Số văn bản", "number"),
        Col("Nơi cấp, ban hành", "issuer"),
        Col("Ghi chú", "note"),
        Col("Đảng viên giới thiệu 1", "sponsor_1", "ref", ref="member"),
        Col("Đảng viên giới thiệu 2", "sponsor_2", "ref", ref="member"),
        Col("Kéo dài đến ngày", "until", "date"),
    ],
    model=AdmissionStep,
    key=("candidate_id", "kind"),
    source=lambda ctx: AdmissionStep.objects.filter(
        candidate__cell_id__in=list(ctx.org_code)
    ).order_by("id"),
    max_rows=300_000,
)

CONGRESS_PLANS = Sheet(
    name="Kế hoạch đại hội",
    help="Kế hoạch đại hội chi bộ của một tổ chức cho một nhiệm kỳ (từ ngày đến ngày, không kể "
    "ngày cuối) và hạn hoàn thành. «Mã kế hoạch» do bạn đặt, để trang Đại hội chi bộ gọi đến.",
    columns=[
        Col("Mã kế hoạch", "ref_code", required=True, max_length=40),
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Nhiệm kỳ", "term_name", required=True),
        Col("Nhiệm kỳ từ ngày", "term_start", "date", required=True),
        Col("Nhiệm kỳ đến ngày", "term_end", "date", required=True),
        Col("Hạn hoàn thành đại hội", "deadline", "date", required=True),
        Col("Số kế hoạch", "reference"),
    ],
    model=CongressPlan,
    key=("organization_id", "term_start"),
    provides="congress_plan",
    ref_attr="ref_code",
    prepare=hooks.plan_interval,
    source=lambda ctx: CongressPlan.objects.filter(organization_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
)

CELL_CONGRESSES = Sheet(
    name="Đại hội chi bộ",
    help="Đại hội của từng chi bộ trong một kế hoạch: hạn của chi bộ, ngày xong từng bước "
    "chuẩn bị, ngày đại hội và nhiệm kỳ đại hội mở ra (tên nhiệm kỳ ở trang Nhiệm kỳ của chi "
    "bộ). «Mã đại hội» do bạn đặt.",
    columns=[
        Col("Mã đại hội", "ref_code", required=True, max_length=40),
        Col("Mã kế hoạch", "plan", "ref", required=True, ref="congress_plan"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Hạn hoàn thành", "deadline", "date", required=True),
        Col("Dự thảo xong văn kiện", "drafted_on", "date"),
        Col("Cấp trên cho ý kiến", "opinion_on", "date"),
        Col("Duyệt nhân sự", "personnel_on", "date"),
        Col("Ngày dự kiến đại hội", "scheduled_on", "date"),
        Col("Ngày đại hội", "held_on", "date"),
        Col("Nhiệm kỳ mở ra", "term"),
    ],
    model=CellCongress,
    key=("plan_id", "cell_id"),
    provides="congress",
    ref_attr="ref_code",
    prepare=hooks.term_of_congress,
    export=hooks.export_congresses,
    max_rows=100_000,
)

CONGRESS_DRAFTS = Sheet(
    name="Văn kiện đại hội",
    help="Phần viết của chi bộ cho báo cáo chính trị và dự thảo nghị quyết đại hội (các số "
    "liệu chibo tự tính). Mẫu văn kiện (.docx) không có trong sổ dữ liệu.",
    columns=[
        Col("Mã đại hội", "congress", "ref", required=True, ref="congress"),
        Col("Đặc điểm tình hình", "situation", "prose"),
        Col("Kết quả đạt được", "achievements", "prose"),
        Col("Hạn chế, nguyên nhân", "shortcomings", "prose"),
        Col("Bài học kinh nghiệm", "lessons", "prose"),
        Col("Phương hướng, mục tiêu", "directions", "prose"),
        Col("Nhiệm vụ, giải pháp", "solutions", "prose"),
    ],
    model=CongressDraft,
    key=("congress_id",),
    source=lambda ctx: CongressDraft.objects.filter(
        congress__plan__organization_id__in=list(ctx.org_code),
        congress__cell_id__in=list(ctx.org_code),
    ).order_by("id"),
    max_rows=100_000,
)

REGULATIONS = Sheet(
    name="Quy chế làm việc",
    help="Các bản quy chế làm việc của chi bộ theo ngày ban hành. Tệp đính kèm không có trong "
    "sổ dữ liệu. «Mã quy chế» do bạn đặt, để trang Rà soát quy chế gọi đến.",
    columns=[
        Col("Mã quy chế", "ref_code", required=True, max_length=40),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Ngày ban hành", "adopted_on", "date", required=True),
        Col("Số văn bản", "reference"),
        Col("Nội dung", "text", "prose"),
    ],
    model=WorkingRegulation,
    key=("cell_id", "adopted_on"),
    provides="regulation",
    ref_attr="ref_code",
    source=lambda ctx: WorkingRegulation.objects.filter(cell_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
    max_rows=100_000,
)

REGULATION_REVIEWS = Sheet(
    name="Rà soát quy chế",
    help="Các lần chi bộ rà soát một bản quy chế làm việc và kết luận.",
    columns=[
        Col("Mã quy chế", "regulation", "ref", required=True, ref="regulation"),
        Col("Ngày rà soát", "reviewed_on", "date", required=True),
        Col("Kết luận", "note"),
    ],
    model=RegulationReview,
    key=("regulation_id", "reviewed_on"),
    source=lambda ctx: RegulationReview.objects.filter(
        regulation__cell_id__in=list(ctx.org_code)
    ).order_by("id"),
    max_rows=100_000,
)

CELL_RATINGS = Sheet(
    name="Xếp loại chi bộ",
    help="Xếp loại chất lượng hằng năm của chi bộ: điểm và mức tự xếp loại, mức cấp trên quyết "
    "định. Mức ghi đúng tên trong bộ tiêu chuẩn (ví dụ «Hoàn thành tốt nhiệm vụ»). Bỏ trống "
    "«Bộ tiêu chuẩn»: bộ áp dụng ngày 31/12 của năm.",
    columns=[
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Bộ tiêu chuẩn (số văn bản)", "rating_set"),
        Col("Điểm tự chấm", "points", "decimal", required=True),
        Col("Tự xếp loại", "proposed_level", required=True),
        Col("Ngày tự đánh giá", "self_rated_on", "date", required=True),
        Col("Cấp trên quyết định", "decided_level"),
        Col("Số quyết định", "decision_number"),
        Col("Ngày quyết định", "decision_date", "date"),
    ],
    model=CellRating,
    key=("cell_id", "year"),
    prepare=hooks.rating_prepare("proposed_level", "decided_level"),
    export=hooks.export_cell_ratings,
    max_rows=100_000,
)

MEMBER_RATINGS = Sheet(
    name="Xếp loại đảng viên",
    help="Xếp loại chất lượng hằng năm của đảng viên ở chi bộ nơi được xếp loại: mức tự xếp "
    "loại, chi bộ đề xuất, cấp có thẩm quyền quyết định.",
    columns=[
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Bộ tiêu chuẩn (số văn bản)", "rating_set"),
        Col("Tự xếp loại", "self_level", required=True),
        Col("Chi bộ đề xuất", "proposed_level"),
        Col("Cấp có thẩm quyền quyết định", "decided_level"),
        Col("Số quyết định", "decision_number"),
        Col("Ngày quyết định", "decision_date", "date"),
    ],
    model=MemberRating,
    key=("member_id", "year"),
    prepare=hooks.rating_prepare("self_level", "proposed_level", "decided_level"),
    export=hooks.export_member_ratings,
    max_rows=500_000,
)

COURSES = Sheet(
    name="Lớp học",
    help="Lớp tập huấn, bồi dưỡng, lý luận chính trị. «Mã lớp» do bạn đặt, để trang Học viên "
    "gọi đến.",
    columns=[
        Col("Mã lớp", "ref_code", required=True, max_length=40),
        Col("Loại lớp", "kind", "choice", required=True, choices=TrainingCourse.Kind),
        Col("Tên lớp", "title", required=True),
        Col("Mã đơn vị tổ chức", "organizer", "ref", required=True, ref="org"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date", required=True),
        Col("Địa điểm", "place"),
    ],
    model=TrainingCourse,
    key=("organizer_id", "title", "start"),
    provides="course",
    ref_attr="ref_code",
    source=lambda ctx: TrainingCourse.objects.filter(organizer_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
)

ENROLLMENTS = Sheet(
    name="Học viên",
    help="Người học của từng lớp và kết quả.",
    columns=[
        Col("Mã lớp", "course", "ref", required=True, ref="course"),
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Kết quả", "status", "choice", choices=Enrollment.Status),
        Col("Số chứng chỉ", "certificate"),
        Col("Ngày hoàn thành", "completed_on", "date"),
    ],
    model=Enrollment,
    key=("course_id", "member_id"),
    defaults={"status": Enrollment.Status.ENROLLED},
    source=lambda ctx: Enrollment.objects.filter(
        course__organizer_id__in=list(ctx.org_code)
    ).order_by("id"),
    max_rows=300_000,
)

CONTESTS = Sheet(
    name="Hội thi",
    help="Hội thi Bí thư chi bộ giỏi. «Mã hội thi» do bạn đặt.",
    columns=[
        Col("Mã hội thi", "ref_code", required=True, max_length=40),
        Col("Tên hội thi", "name", required=True),
        Col("Mã đơn vị tổ chức", "organizer", "ref", required=True, ref="org"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Điểm tối đa", "max_score", "decimal"),
    ],
    model=Contest,
    key=("organizer_id", "year", "name"),
    provides="contest",
    ref_attr="ref_code",
    source=lambda ctx: Contest.objects.filter(organizer_id__in=list(ctx.org_code)).order_by("id"),
)

ROUNDS = Sheet(
    name="Vòng thi",
    help="Các vòng thi (cấp cơ sở, cấp huyện) của một hội thi. «Mã vòng thi» do bạn đặt.",
    columns=[
        Col("Mã vòng thi", "ref_code", required=True, max_length=40),
        Col("Mã hội thi", "contest", "ref", required=True, ref="contest"),
        Col("Cấp thi", "level", "choice", required=True, choices=ContestRound.Level),
        Col("Ngày thi", "held_on", "date", required=True),
        Col("Mã đơn vị tổ chức", "organizer", "ref", required=True, ref="org"),
    ],
    model=ContestRound,
    key=("contest_id", "level", "organizer_id"),
    provides="round",
    ref_attr="ref_code",
    source=lambda ctx: ContestRound.objects.filter(
        contest__organizer_id__in=list(ctx.org_code)
    ).order_by("id"),
)

CONTESTANTS = Sheet(
    name="Thí sinh",
    help="Thí sinh của từng vòng thi, chi bộ của họ, điểm và giải.",
    columns=[
        Col("Mã vòng thi", "round", "ref", required=True, ref="round"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col("Điểm", "score", "decimal"),
        Col("Giải", "prize", "choice", choices=Contestant.Prize),
    ],
    model=Contestant,
    key=("round_id", "member_id"),
    defaults={"prize": ""},
    source=lambda ctx: Contestant.objects.filter(
        round__contest__organizer_id__in=list(ctx.org_code)
    ).order_by("id"),
)

FOLLOW = Sheet(
    name="Cán bộ theo dõi chi bộ",
    help="Cán bộ huyện, xã, công an xã được phân công theo dõi, dự sinh hoạt một chi bộ.",
    columns=[
        Col("Tên đăng nhập", "official", "ref", required=True, ref="user"),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Loại", "kind", "choice", required=True, choices=FollowAssignment.Kind),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
        Col("Quyết định", "decision"),
    ],
    model=FollowAssignment,
    key=("official_id", "cell_id", "start"),
    source=lambda ctx: FollowAssignment.objects.filter(cell_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
)

SUPPORT = Sheet(
    name="Giúp đỡ thôn bản",
    help="Cơ quan, đơn vị được phân công giúp đỡ thôn, bản đặc biệt khó khăn. «Mã phân công» "
    "do bạn đặt.",
    columns=[
        Col("Mã phân công", "ref_code", required=True, max_length=40),
        Col("Mã thôn", "village", "ref", required=True, ref="village"),
        Col("Mã đơn vị giúp đỡ", "helper", "ref", required=True, ref="org"),
        Col("Từ ngày", "start", "date", required=True),
        Col("Đến ngày", "end", "date"),
        Col("Quyết định", "decision"),
    ],
    model=SupportAssignment,
    key=("village_id", "helper_id", "start"),
    provides="support",
    ref_attr="ref_code",
    source=lambda ctx: SupportAssignment.objects.filter(
        village_id__in=list(ctx.village_code)
    ).order_by("id"),
)

SUPPORT_VISITS = Sheet(
    name="Chuyến giúp đỡ",
    help="Các lần đơn vị giúp đỡ đến thôn, bản và việc đã làm.",
    columns=[
        Col("Mã phân công", "assignment", "ref", required=True, ref="support"),
        Col("Ngày", "on", "date", required=True),
        Col("Người đến", "visitors", required=True),
        Col("Nội dung giúp đỡ", "activities", "prose", required=True),
    ],
    model=SupportVisit,
    key=("assignment_id", "on"),
    source=lambda ctx: SupportVisit.objects.filter(
        assignment__village_id__in=list(ctx.village_code),
        assignment__helper_id__in=list(ctx.org_code),
    ).order_by("id"),
)

TARGETS = Sheet(
    name="Chỉ tiêu",
    help="Chỉ tiêu năm của từng chi bộ. «Mã chỉ tiêu» do bạn đặt, để trang Tiến độ gọi đến.",
    columns=[
        Col("Mã chỉ tiêu", "ref_code", required=True, max_length=40),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Chỉ tiêu", "name", required=True),
        Col("Đơn vị tính", "unit", required=True),
        Col("Kế hoạch năm", "yearly_value", "decimal", required=True),
        Col("Cách tính", "measure", "choice", choices=Target.Measure),
        Col("Thứ tự", "order", "int"),
    ],
    model=Target,
    key=("cell_id", "year", "name"),
    provides="target",
    ref_attr="ref_code",
    defaults={"measure": Target.Measure.SUM, "order": 0},
    source=lambda ctx: Target.objects.filter(
        cell_id__in=list(ctx.org_code), withdrawn_at__isnull=True
    ).order_by("id"),
    max_rows=300_000,
)

CRITERIA_SETS = Sheet(
    name="Bộ tiêu chí",
    help="Các bộ tiêu chí theo từng thời kỳ (tiêu chí bản nông thôn mới, bản kiểu mẫu, các chủ "
    "trương của huyện, tiêu chí xã nông thôn mới). Hai bộ cùng loại không áp dụng cùng một ngày: "
    "bộ cũ có «Đến ngày» là ngày bộ mới bắt đầu. Chỉ quản trị của Ban Tổ chức được nhập, sửa. "
    "«Mã bộ tiêu chí» do bạn đặt, để các trang Tiêu chí, Kết quả tiêu chí gọi đến.",
    columns=[
        Col("Mã bộ tiêu chí", "ref_code", required=True, max_length=40),
        Col("Loại", "kind", "choice", required=True, choices=CriteriaSet.Kind),
        Col("Tên bộ tiêu chí", "name", required=True),
        Col("Văn bản ban hành", "decision"),
        Col("Áp dụng từ ngày", "valid_from", "date", required=True),
        Col("Đến ngày", "valid_to", "date"),
    ],
    model=CriteriaSet,
    key=("kind", "valid_from"),
    provides="criteria_set",
    ref_attr="ref_code",
    audit_each=True,
    apply=governance.apply_criteria_sets,
    source=lambda ctx: CriteriaSet.objects.order_by("id"),
)

CRITERIA_ITEMS = Sheet(
    name="Tiêu chí",
    help="Các tiêu chí của mỗi bộ: cách đo, đơn vị, ngưỡng đạt. Bộ đã có trong chibo không "
    "thêm tiêu chí, không đổi ngưỡng được (kết quả đã ghi theo ngưỡng cũ): hãy nhập bộ mới.",
    columns=[
        Col("Mã bộ tiêu chí", "criteria_set", "ref", required=True, ref="criteria_set"),
        Col("Mã tiêu chí", "code", required=True),
        Col("Tên tiêu chí", "name", required=True),
        Col("Cách đo", "measure"),
        Col("Đơn vị tính", "unit", required=True),
        Col("So với ngưỡng", "compare", "choice", choices=CriteriaItem.Compare),
        Col("Ngưỡng", "threshold", "decimal", required=True),
        Col("Thứ tự", "order", "int"),
    ],
    model=CriteriaItem,
    key=("criteria_set_id", "code"),
    defaults={"compare": CriteriaItem.Compare.AT_LEAST, "order": 0, "measure": ""},
    prepare=governance.criteria_item_prepare,
    source=lambda ctx: CriteriaItem.objects.order_by("criteria_set_id", "order", "id"),
)

CRITERIA_STATUSES = Sheet(
    name="Kết quả tiêu chí",
    help="Giá trị mỗi thôn, bản đạt được trên từng tiêu chí trong một năm. «Đạt» được chibo "
    "đánh giá theo ngưỡng của tiêu chí khi nhập. Tiêu chí phải thuộc bộ áp dụng trong năm.",
    columns=[
        Col("Mã thôn", "village", "ref", required=True, ref="village"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Mã bộ tiêu chí", "criteria_set", "ref", required=True, ref="criteria_set"),
        Col("Mã tiêu chí", "item", required=True),
        Col("Giá trị đạt", "value", "decimal", required=True),
        Col("Ghi chú", "note", max_length=300),
    ],
    model=VillageCriterionStatus,
    key=("village_id", "item_id", "year"),
    prepare=governance.status_prepare,
    export=governance.export_statuses,
    max_rows=1_000_000,
)

VILLAGE_PLANS = Sheet(
    name="Kế hoạch của bản",
    help="Kế hoạch phát triển kinh tế – xã hội hằng năm của thôn, bản: trạng thái (đang soạn, "
    "chờ xã phê duyệt, xã trả lại, đã phê duyệt), ngày chi bộ gửi, ngày và người xã quyết "
    "định, ý kiến của xã. Thời điểm ghi dạng dd/mm/yyyy hh:mm. «Mã kế hoạch» do bạn đặt, để "
    "trang Chỉ tiêu kế hoạch bản gọi đến.",
    columns=[
        Col("Mã kế hoạch", "ref_code", required=True, max_length=40),
        Col("Mã thôn", "village", "ref", required=True, ref="village"),
        Col("Năm", "year", "int", required=True, bounds=YEARS),
        Col("Trạng thái", "status", "choice", choices=VillagePlan.Status),
        Col("Nội dung kế hoạch", "text", "prose"),
        Col("Ý kiến của xã", "comment"),
        Col("Ngày gửi", "submitted_at", "datetime"),
        Col("Ngày xã quyết định", "decided_at", "datetime"),
        Col("Người quyết định (tên đăng nhập)", "decided_by", "ref", ref="user"),
    ],
    model=VillagePlan,
    key=("village_id", "year"),
    provides="village_plan",
    ref_attr="ref_code",
    defaults={"status": VillagePlan.Status.DRAFT},
    prepare=governance.plan_prepare,
    source=lambda ctx: VillagePlan.objects.filter(village_id__in=list(ctx.village_code)).order_by(
        "id"
    ),
    max_rows=100_000,
)

PLAN_TARGETS = Sheet(
    name="Chỉ tiêu kế hoạch bản",
    help="Chỉ tiêu xã giao cho thôn, bản trong kế hoạch năm (một chỉ tiêu năm của chi bộ phục "
    "vụ bản, ở trang Chỉ tiêu), và tiêu chí mà chỉ tiêu phục vụ nếu có (mã bộ và mã tiêu chí).",
    columns=[
        Col("Mã kế hoạch", "plan", "ref", required=True, ref="village_plan"),
        Col("Mã chỉ tiêu", "target", "ref", required=True, ref="target"),
        Col("Mã bộ tiêu chí", "criteria_set", "ref", ref="criteria_set"),
        Col("Mã tiêu chí", "item"),
    ],
    model=PlanTarget,
    key=("target_id",),
    prepare=governance.plan_target_prepare,
    export=governance.export_plan_targets,
    max_rows=300_000,
)

TARGET_PROGRESS = Sheet(
    name="Tiến độ chỉ tiêu",
    help="Kết quả thực hiện chỉ tiêu trong từng tháng (không cộng dồn).",
    columns=[
        Col("Mã chỉ tiêu", "target", "ref", required=True, ref="target"),
        Col("Tháng", "month", "date", required=True),
        Col("Thực hiện trong tháng", "value", "decimal", required=True),
        Col("Mã cuộc sinh hoạt", "meeting", "ref", ref="meeting"),
        Col("Ghi chú", "note"),
    ],
    model=TargetProgress,
    key=("target_id", "month"),
    prepare=_first_of_month,
    source=lambda ctx: TargetProgress.objects.filter(
        target__cell_id__in=list(ctx.org_code), target__withdrawn_at__isnull=True
    ).order_by("id"),
    max_rows=1_000_000,
)

MEETINGS = Sheet(
    name="Sinh hoạt chi bộ",
    help="Mỗi cuộc sinh hoạt một dòng. «Mã cuộc sinh hoạt» do bạn đặt, để các trang Điểm danh, "
    "Khách mời, Nhiệm vụ, Điểm chất lượng gọi đến.",
    columns=[
        Col("Mã cuộc sinh hoạt", "ref_code", required=True, max_length=40),
        Col("Mã chi bộ", "cell", "ref", required=True, ref="org"),
        Col("Loại", "kind", "choice", choices=CellMeeting.Kind),
        Col("Chuyên đề", "topic"),
        Col("Ngày dự kiến", "scheduled_date", "date", required=True),
        Col("Ngày họp", "held_on", "date"),
        Col("Bắt đầu", "start_time", "time"),
        Col("Kết thúc", "end_time", "time"),
        Col("Địa điểm", "place"),
        Col("Trạng thái", "status", "choice", choices=CellMeeting.Status),
        Col("Chủ trì", "chair", "ref", ref="member"),
        Col("Thư ký", "minute_taker", "ref", ref="member"),
        Col("Tình hình, kết quả tháng qua", "summary", "prose"),
        Col("Kết luận", "conclusions", "prose"),
        Col("Nghị quyết tháng", "resolution", "prose"),
        Col("Bảng chấm điểm", "score_sheet", "ref", ref="score_sheet"),
        Col("Điểm chất lượng", "quality_points", "int"),
        Col("Xếp loại", "quality_class", "choice", choices=QualityClass),
        Col("Triệu tập", "summoned", "int"),
        Col("Có mặt", "present", "int"),
        Col("Vắng có lý do", "absent_excused", "int"),
        Col("Vắng không lý do", "absent_unexcused", "int"),
        Col("Ý kiến của Đảng ủy", "review_comment", "prose"),
    ],
    model=CellMeeting,
    key=("cell_id", "kind", "scheduled_date", "topic"),
    provides="meeting",
    ref_attr="ref_code",
    prepare=hooks.meeting_prepare,
    defaults={"kind": CellMeeting.Kind.REGULAR, "status": CellMeeting.Status.PLANNED},
    source=lambda ctx: CellMeeting.objects.filter(cell_id__in=list(ctx.org_code)).order_by("id"),
    max_rows=500_000,
)

ATTENDANCE = Sheet(
    name="Điểm danh",
    help="Mỗi đảng viên của một cuộc sinh hoạt một dòng: có mặt, vắng có lý do, vắng không lý do.",
    columns=[
        Col("Mã cuộc sinh hoạt", "meeting", "ref", required=True, ref="meeting"),
        Col("Số hiệu đảng viên", "member", "ref", required=True, ref="member"),
        Col(
            "Thuộc diện triệu tập",
            "summoned",
            "bool",
            blank_means=True,
            help="Bỏ trống là «Có»; «Không» cho đảng viên được miễn sinh hoạt.",
        ),
        Col("Có mặt", "presence", "choice", required=True, choices=Attendance.Presence),
        Col("Lý do", "reason"),
    ],
    model=Attendance,
    key=("meeting_id", "member_id"),
    defaults={"summoned": True},
    prepare=hooks.attendance_prepare,
    source=lambda ctx: Attendance.objects.filter(meeting__cell_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
    max_rows=1_000_000,
)

GUESTS = Sheet(
    name="Khách mời",
    help="Người ngoài chi bộ dự sinh hoạt và ý kiến chỉ đạo của họ.",
    columns=[
        Col("Mã cuộc sinh hoạt", "meeting", "ref", required=True, ref="meeting"),
        Col("Loại", "kind", "choice", required=True, choices=Guest.Kind),
        Col("Tên đăng nhập", "user", "ref", ref="user"),
        Col("Họ và tên", "name", required=True),
        Col("Đơn vị", "organization"),
        Col("Ý kiến chỉ đạo", "guidance", "prose"),
    ],
    model=Guest,
    key=("meeting_id", "kind", "name"),
    source=lambda ctx: Guest.objects.filter(meeting__cell_id__in=list(ctx.org_code)).order_by("id"),
    max_rows=500_000,
)

TASKS = Sheet(
    name="Nhiệm vụ",
    help="Nhiệm vụ giao tại cuộc sinh hoạt cho đảng viên, chi ủy hoặc đoàn thể, và kết quả.",
    columns=[
        Col("Mã cuộc sinh hoạt", "meeting", "ref", required=True, ref="meeting"),
        Col("Nhiệm vụ", "title", required=True),
        Col("Giao cho", "owner_kind", "choice", required=True, choices=Task.Owner),
        Col("Số hiệu đảng viên", "owner_member", "ref", ref="member"),
        Col("Tên đoàn thể", "owner_name"),
        Col("Thời hạn", "deadline", "date", required=True),
        Col("Mã chỉ tiêu", "target", "ref", ref="target"),
        Col("Kết quả", "state", "choice", choices=Task.State),
        Col("Đánh giá tại cuộc sinh hoạt", "reviewed_at", "ref", ref="meeting"),
        Col("Ghi chú đánh giá", "review_note"),
        Col("Tiến độ (%)", "progress", "int", bounds=(0, 100)),
    ],
    model=Task,
    key=("meeting_id", "title", "owner_kind", "owner_member_id", "owner_name"),
    prepare=hooks.task_prepare,
    defaults={"state": Task.State.OPEN, "progress": 0},
    source=lambda ctx: Task.objects.filter(cell_id__in=list(ctx.org_code)).order_by("id"),
    max_rows=1_000_000,
)

SCORES = Sheet(
    name="Điểm chất lượng",
    help="Điểm tự chấm của một cuộc sinh hoạt theo từng tiêu chí của bảng chấm điểm.",
    columns=[
        Col("Mã cuộc sinh hoạt", "meeting", "ref", required=True, ref="meeting"),
        Col("Mã tiêu chí", "item", required=True),
        Col("Điểm", "points", "int", required=True),
    ],
    model=ScoreEntry,
    key=("meeting_id", "item_id"),
    prepare=hooks.score_item,
    export=hooks.export_scores,
    max_rows=1_000_000,
)

MEETING_RULES = Sheet(
    name="Quy định ngày sinh hoạt",
    help="Ngày sinh hoạt chi bộ hằng tháng mà một tổ chức quy định cho các chi bộ trực thuộc "
    "(quy định của tổ chức gần nhất phía trên chi bộ được áp dụng), từ một ngày hiệu lực. Quy "
    "định chung cả nước đã có sẵn trong chibo.",
    columns=[
        Col("Mã tổ chức", "organization", "ref", required=True, ref="org"),
        Col("Loại chi bộ", "cell_type", "choice", required=True, choices=CellType),
        Col("Hiệu lực từ", "effective_from", "date", required=True),
        Col("Ngày trong tháng", "day", "int", required=True, bounds=(1, 31)),
        Col("Nếu trùng Chủ nhật", "on_sunday", "choice", choices=DayShift),
        Col("Nếu trùng ngày lễ", "on_holiday", "choice", choices=DayShift),
        Col("Quá hạn ghi biên bản sau (ngày)", "overdue_after_days", "int"),
        Col("Thời lượng tối thiểu (phút)", "min_minutes", "int"),
        Col("Thời lượng khi có chuyên đề (phút)", "min_minutes_thematic", "int"),
        Col("Gửi tài liệu trước (ngày)", "materials_days_ahead", "int"),
        Col("Văn bản", "source", required=True),
    ],
    model=MeetingRule,
    key=("organization_id", "cell_type", "effective_from"),
    prepare=hooks.meeting_rule_defaults,
    source=lambda ctx: MeetingRule.objects.filter(organization_id__in=list(ctx.org_code)).order_by(
        "id"
    ),
)

ROLE_MODELS = Sheet(
    name="Mô hình kiêm nhiệm",
    help="Mô hình bố trí kiêm nhiệm mà một đảng ủy xã áp dụng (ví dụ Nà Bó: bí thư chi bộ đồng "
    "thời là trưởng bản). «Mã mô hình» do bạn đặt, để trang Quy tắc mô hình gọi đến.",
    columns=[
        Col("Mã mô hình", "ref_code", required=True, max_length=40),
        Col("Tên mô hình", "name", required=True),
        Col("Mã đảng ủy xã", "commune", "ref", required=True, ref="org"),
        Col("Áp dụng từ", "effective_from", "date", required=True),
        Col("Đến ngày", "effective_to", "date"),
    ],
    model=RoleModel,
    key=("commune_id", "name", "effective_from"),
    provides="role_model",
    ref_attr="ref_code",
    source=lambda ctx: RoleModel.objects.filter(commune_id__in=list(ctx.org_code)).order_by("id"),
)

ROLE_MODEL_RULES = Sheet(
    name="Quy tắc mô hình",
    help="Mỗi cặp kiêm nhiệm của một mô hình: người giữ chức danh cấp ủy (hoặc chức danh thôn) "
    "kiêm chức danh thôn.",
    columns=[
        Col("Mã mô hình", "role_model", "ref", required=True, ref="role_model"),
        Col("Chức danh cấp ủy", "title", "choice", choices=Title),
        Col("Kiêm chức danh thôn", "kind", "choice", required=True, choices=ConcurrentRole.Kind),
        Col("Hoặc người giữ chức danh thôn", "paired_kind", "choice", choices=ConcurrentRole.Kind),
    ],
    model=RoleModelRule,
    key=("role_model_id", "title", "kind", "paired_kind"),
    defaults={"title": "", "paired_kind": ""},
    source=lambda ctx: RoleModelRule.objects.filter(
        role_model__commune_id__in=list(ctx.org_code)
    ).order_by("id"),
)

SHEETS = [
    ORGANIZATIONS,
    PERIODS,
    EVENTS,
    COMMUNES,
    COMMUNE_LINKS,
    VILLAGES,
    VILLAGE_COMMUNES,
    VILLAGE_LINKS,
    MEMBERS,
    MEMBERSHIPS,
    STATUS_CHANGES,
    THEORY_CHANGES,
    BADGES,
    INTERRUPTIONS,
    STAYS,
    USERS,
    ROLES,
    TERMS,
    POSITIONS,
    POSTS,
    COMMUNE_LEADERS,
    LEADERSHIP_TARGETS,
    COMMUNE_OFFICIALS,
    SUCCESSION,
    ROLE_MODELS,
    ROLE_MODEL_RULES,
    ADMISSION_TARGETS,
    CANDIDATES,
    CANDIDATE_CELLS,
    ADMISSION_STEPS,
    CONGRESS_PLANS,
    CELL_CONGRESSES,
    CONGRESS_DRAFTS,
    REGULATIONS,
    REGULATION_REVIEWS,
    CELL_RATINGS,
    MEMBER_RATINGS,
    COURSES,
    ENROLLMENTS,
    CONTESTS,
    ROUNDS,
    CONTESTANTS,
    FOLLOW,
    SUPPORT,
    SUPPORT_VISITS,
    CRITERIA_SETS,
    CRITERIA_ITEMS,
    CRITERIA_STATUSES,
    TARGETS,
    VILLAGE_PLANS,
    PLAN_TARGETS,
    MEETING_RULES,
    MEETINGS,
    TARGET_PROGRESS,
    ATTENDANCE,
    GUESTS,
    TASKS,
    SCORES,
]
BY_NAME = {s.name: s for s in SHEETS}
GUIDE_SHEET = "Hướng dẫn"

# Codes only a sheet of the file can define are still looked up in the database first, so a
# file that adds meetings to cells already in chibo needs no organizations sheet.
__all__ = ["SHEETS", "BY_NAME", "GUIDE_SHEET", "User"]
