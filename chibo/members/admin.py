from django.contrib import admin

from chibo.core.admin import NoDeleteAdmin

from .models import BadgeAward, BadgeRule, Member, Membership, StatusChange


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["cell"]
    readonly_fields = ["cell", "start", "end", "reason"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(NoDeleteAdmin):
    list_display = ["full_name", "sex", "birth_date", "cell", "status", "theory_level"]
    list_filter = ["status", "sex", "theory_level"]
    search_fields = ["search_text", "party_card_number", "citizen_id"]
    raw_id_fields = ["cell"]
    readonly_fields = ["cell", "status", "status_since"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        # New members, transfers and status changes go through the pages (services).
        return False

    def save_model(self, request, obj, form, change):
        obj.refresh_derived()
        super().save_model(request, obj, form, change)


@admin.register(StatusChange)
class StatusChangeAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    list_display = ["member", "kind", "previous", "status", "on", "decision_number"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["member"]
    # A dated event is undone by a later one (members/movements), never rewritten: only its
    # note may be corrected here.
    readonly_fields = [
        f.name for f in StatusChange._meta.concrete_fields if f.name not in ("id", "note")
    ]


@admin.register(BadgeRule)
class BadgeRuleAdmin(NoDeleteAdmin):
    """The badge years and award days: a new rule is a new row from its effective date."""

    list_display = ["effective_from", "years", "award_days", "source"]


@admin.register(BadgeAward)
class BadgeAwardAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False  # recorded through the member's page (badges.services.badge_award)

    list_display = ["member", "years", "awarded_on", "decision_number"]
    list_filter = ["years"]
    raw_id_fields = ["member"]
