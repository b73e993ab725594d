from django.contrib import admin

from chibo.core.admin import NoDeleteAdmin

from .models import (
    Commune,
    Organization,
    OrganizationEvent,
    OrganizationPeriod,
    Village,
    VillageCellLink,
    VillageCommuneLink,
)


@admin.register(Organization)
class OrganizationAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "kind", "cell_type", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "cell_type", "grassroots_type"]
    search_fields = ["code", "name"]
    readonly_fields = ["parent", "path", "depth", "valid_from", "valid_to"]

    def has_add_permission(self, request):
        # Founding, re-parenting and closing are dated events: use the organization pages.
        return False


@admin.register(OrganizationPeriod)
class OrganizationPeriodAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    list_display = ["organization", "name", "parent", "valid_from", "valid_to"]
    raw_id_fields = ["organization", "parent"]


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    list_display = ["on", "kind", "organization", "note"]
    list_filter = ["kind"]
    raw_id_fields = ["organization", "related"]


@admin.register(Commune)
class CommuneAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "kind", "party_committee", "valid_from", "valid_to"]
    search_fields = ["name", "code"]
    # Founding, merging and the leading committee (a dated link: CommuneCommitteeLink) are
    # audited services: the commune pages.
    readonly_fields = ["party_committee", "valid_to"]

    def has_add_permission(self, request):
        return False


class VillageCellLinkInline(admin.TabularInline):
    model = VillageCellLink
    fields = ["cell", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VillageCommuneLinkInline(VillageCellLinkInline):
    model = VillageCommuneLink
    fields = ["commune", "start", "end"]
    readonly_fields = fields


@admin.register(Village)
class VillageAdmin(NoDeleteAdmin):
    list_display = ["code", "name", "kind", "commune", "cell", "especially_disadvantaged"]
    list_filter = ["kind", "especially_disadvantaged"]
    search_fields = ["name", "code"]
    # The serving cell and the commune are dated links, the validity is changed by merges:
    # the village pages, through the services.
    readonly_fields = ["commune", "cell", "valid_from", "valid_to"]
    inlines = [VillageCellLinkInline, VillageCommuneLinkInline]

    def has_add_permission(self, request):
        return False
