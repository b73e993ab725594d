"""Back office for admissions: the admission rule as data (a change is a new row in force from a
date), and corrections of a candidate's record, a step's date or number, or a target. Never a
hard delete, every save audited (core.admin.NoDeleteAdmin); new candidates, steps and targets
go through the pages (services), which check the rules and create the member at the ceremony."""

from django.contrib import admin

from chibo.core.admin import NoDeleteAdmin

from .models import AdmissionRule, AdmissionStep, AdmissionTarget, Candidate


@admin.register(AdmissionRule)
class AdmissionRuleAdmin(NoDeleteAdmin):
    list_display = [
        "effective_from",
        "source",
        "ceremony_working_days",
        "probation_months",
        "waiting_alert_months",
        "sponsors_required",
    ]


class PagesOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False


class StepInline(admin.TabularInline):
    """The steps, read-only here: a step is corrected on its own page (audited)."""

    model = AdmissionStep
    extra = 0
    fields = ["kind", "on", "number", "issuer", "note", "until"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Candidate)
class CandidateAdmin(PagesOnlyAdmin):
    list_display = ["full_name", "cell", "listed_on", "member"]
    search_fields = ["full_name", "citizen_id"]
    raw_id_fields = ["cell", "member"]
    readonly_fields = ["cell", "member"]
    inlines = [StepInline]


@admin.register(AdmissionStep)
class AdmissionStepAdmin(PagesOnlyAdmin):
    list_display = ["candidate", "kind", "on", "number"]
    list_filter = ["kind"]
    raw_id_fields = ["candidate", "sponsor_1", "sponsor_2"]
    readonly_fields = ["candidate", "kind", "actor"]


@admin.register(AdmissionTarget)
class AdmissionTargetAdmin(PagesOnlyAdmin):
    list_display = ["organization", "year", "value", "decided_on", "number"]
    list_filter = ["year"]
    raw_id_fields = ["organization"]
    readonly_fields = ["organization", "year", "decided_on", "actor"]
