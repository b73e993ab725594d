"""Back office for the meeting rules as data: meeting days, holidays, the agenda template and the
quality score sheet. Never a hard delete (a rule ends by a newer one in force from a date), and
every save audited, the inline items too."""

from django.contrib import admin

from chibo.core.admin import AuditedInlinesAdmin, NoDeleteAdmin, NoDeleteInline

from .models import AgendaTemplate, AgendaTemplateItem, Holiday, MeetingRule, ScoreItem, ScoreSheet


@admin.register(MeetingRule)
class MeetingRuleAdmin(NoDeleteAdmin):
    list_display = [
        "cell_type",
        "organization",
        "effective_from",
        "day",
        "on_sunday",
        "on_holiday",
        "overdue_after_days",
        "min_minutes",
        "min_minutes_thematic",
        "materials_days_ahead",
    ]
    list_filter = ["cell_type", "on_sunday", "on_holiday"]
    raw_id_fields = ["organization"]
    search_fields = ["organization__name", "organization__code", "source"]


@admin.register(Holiday)
class HolidayAdmin(NoDeleteAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


class AgendaTemplateItemInline(NoDeleteInline):
    model = AgendaTemplateItem
    fields = ["order", "section", "title"]


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(AuditedInlinesAdmin):
    list_display = ["name", "organization", "effective_from", "source"]
    raw_id_fields = ["organization"]
    inlines = [AgendaTemplateItemInline]


class ScoreItemInline(NoDeleteInline):
    model = ScoreItem
    fields = ["order", "code", "name", "max_points"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(AuditedInlinesAdmin):
    list_display = [
        "name",
        "organization",
        "effective_from",
        "good_min",
        "fair_min",
        "average_min",
    ]
    raw_id_fields = ["organization"]
    inlines = [ScoreItemInline]
