"""Back office for the meeting rules as data: meeting days, holidays, the agenda template and the
quality score sheet. Never a hard delete (a rule ends by a newer one in force from a date), and
every save audited, the inline items too."""

from django.contrib import admin
from django.db import transaction

from chibo.core import audit
from chibo.core.admin import NoDeleteAdmin
from chibo.core.models import AuditEvent

from .models import AgendaTemplate, AgendaTemplateItem, Holiday, MeetingRule, ScoreItem, ScoreSheet


class NoDeleteInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedInlinesAdmin(NoDeleteAdmin):
    """Audits each inline row added or changed, in the same transaction as the parent."""

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            before = {
                f.instance.pk: audit.snapshot(f.instance.__class__.objects.get(pk=f.instance.pk))
                for f in formset.forms
                if f.instance.pk and f.has_changed()
            }
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
                audit.record(
                    actor=request.user,
                    action=AuditEvent.Action.UPDATE
                    if obj.pk in before
                    else AuditEvent.Action.CREATE,
                    obj=obj,
                    changes=audit.diff(before.get(obj.pk, {}), audit.snapshot(obj)),
                    note="admin",
                )


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
