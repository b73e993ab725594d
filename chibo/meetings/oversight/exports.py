"""The month at a glance and the district overview as .xlsx tables (the committees' Table and
workbook: text a spreadsheet would run as a formula is written inert)."""

import datetime

from django.utils.translation import gettext as _

from chibo.committees.exports import Table

from ..models import CellMeeting
from .overview import Overview


def _class(meeting) -> str:
    return meeting.get_quality_class_display() if meeting and meeting.quality_class else ""


def month_table(rows, month: datetime.date, title: str) -> Table:
    out = []
    for r in rows:
        m = r.meeting
        recorded = m is not None and m.status in CellMeeting.RECORDED
        out.append(
            [
                r.parent_name,
                r.name,
                str(r.situation_label),
                m.get_status_display() if m else "",
                m.scheduled_date if m else None,
                m.held_on if m else None,
                m.summoned if recorded else None,
                m.present if recorded else None,
                r.attendance,
                m.guest_count if m else None,
                m.quality_points if recorded else None,
                _class(m) if recorded else "",
                "; ".join(r.thematic_topics),
                m.review_comment if m else "",
            ]
        )
    headers = [
        _("Trực thuộc"),
        _("Chi bộ"),
        _("Tình hình"),
        _("Trạng thái biên bản"),
        _("Ngày dự kiến"),
        _("Ngày họp"),
        _("Triệu tập"),
        _("Có mặt"),
        _("Tỷ lệ dự"),
        _("Khách mời"),
        _("Điểm"),
        _("Xếp loại"),
        _("Chuyên đề"),
        _("Ý kiến của Đảng ủy"),
    ]
    name = _("Sinh hoạt %(m)s") % {"m": f"{month:%m-%Y}"}
    return Table(f"{name} {title}"[:28], headers, out)


def overview_table(ov: Overview, title: str) -> Table:
    out = []
    for r in [*ov.rows, ov.total]:
        out.append(
            [
                r.name,
                r.cells,
                r.held,
                r.on_day,
                r.late,
                r.overdue,
                r.unscheduled,
                r.to_review,
                r.returned,
                r.summoned,
                r.present,
                r.attendance,
                r.good,
                r.fair,
                r.average,
                r.poor,
                r.thematic_cells,
            ]
        )
    headers = [
        _("Tổ chức cơ sở đảng"),
        _("Chi bộ"),
        _("Đã họp"),
        _("Đúng ngày"),
        _("Họp muộn"),
        _("Quá hạn"),
        _("Chưa có lịch"),
        _("Chờ xác nhận"),
        _("Trả lại"),
        _("Triệu tập"),
        _("Có mặt"),
        _("Tỷ lệ dự"),
        _("Tốt"),
        _("Khá"),
        _("Trung bình"),
        _("Kém"),
        _("Chi bộ có chuyên đề trong quý"),
    ]
    name = _("Tổng hợp %(m)s") % {"m": f"{ov.month:%m-%Y}"}
    return Table(f"{name} {title}"[:28], headers, out)
