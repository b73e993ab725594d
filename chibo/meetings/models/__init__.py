"""Monthly cell meetings: the rules they follow (rules), a meeting and its record (meeting), what
reaches members and officials (member), the officials who follow cells and the organizations that
help especially disadvantaged villages (officials). Every model is importable from here, as Django
and the migrations expect (chibo.meetings.models.material_path among them)."""

from .meeting import (
    AgendaItem,
    Attendance,
    CellMeeting,
    CellMeetingQuerySet,
    Guest,
    Material,
    MeetingDocument,
    MeetingSubmission,
    ScoreEntry,
    Speech,
    Task,
    material_path,
)
from .member import (
    CalendarFeed,
    TaskUpdate,
)
from .officials import (
    FollowAssignment,
    SupportAssignment,
    SupportVisit,
)
from .rules import (
    AgendaTemplate,
    AgendaTemplateItem,
    CellType,
    DayShift,
    Holiday,
    MeetingRule,
    QualityClass,
    ScoreItem,
    ScoreSheet,
    Section,
)

__all__ = [
    "DayShift",
    "CellType",
    "MeetingRule",
    "Holiday",
    "AgendaTemplate",
    "Section",
    "AgendaTemplateItem",
    "ScoreSheet",
    "ScoreItem",
    "QualityClass",
    "CellMeetingQuerySet",
    "CellMeeting",
    "MeetingSubmission",
    "AgendaItem",
    "material_path",
    "Material",
    "Attendance",
    "Guest",
    "Speech",
    "Task",
    "ScoreEntry",
    "MeetingDocument",
    "TaskUpdate",
    "CalendarFeed",
    "FollowAssignment",
    "SupportAssignment",
    "SupportVisit",
]
