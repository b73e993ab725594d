from django.utils.functional import SimpleLazyObject


def nav(request):
    """What the top navigation may offer. The organization, member, committee, training,
    contest and meeting pages, and the criteria and rating sets, all start from Scope.read_paths
    (a member alone reads only their own record), so the same test decides each of their links;
    the views check it again.

    `nav_unread`, the user's unread notifications, is one COUNT query, made only when a template
    shows it (base.html does; an HTMX partial does not), and once per request however many
    templates show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Role
    from .notifications import request_unread_count
    from .scope import Scope

    scope = Scope.for_user(user)
    reader = scope.superuser or bool(scope.read_paths)
    return {
        # the member's own meetings and tasks (chibo.meetings.member.views.my_page)
        "nav_my": bool(getattr(user, "member_id", None) and scope.roles),
        # the cells an assigned official follows (chibo.meetings.officials.views.mine)
        "nav_following": Role.ASSIGNED_OFFICIAL in scope.roles,
        "nav_orgs": reader,
        "nav_committees": reader,
        "nav_training": reader,
        "nav_meetings": reader,
        # the admission boards (chibo.admissions.views): the org board, communes and cells
        "nav_admissions": scope.has_role(
            Role.ORG_ADMIN, Role.ORG_ANALYST, Role.COMMUNE_STAFF, Role.CELL_SECRETARY
        ),
        # the congress plans, documents and regulations (chibo.congresses.views)
        "nav_congresses": scope.has_role(
            Role.ORG_ADMIN, Role.ORG_ANALYST, Role.COMMUNE_STAFF, Role.CELL_SECRETARY
        ),
        # the reorganization plans (chibo.reorg.views: the org board, its analyst reads them)
        "nav_reorg": scope.has_role(Role.ORG_ADMIN, Role.ORG_ANALYST),
        # the committee's report (chibo.reports.views): the org board and the commune staff
        "nav_reports": scope.has_role(Role.ORG_ADMIN, Role.ORG_ANALYST, Role.COMMUNE_STAFF),
        "nav_self_id": scope.member_self_id,
        # the workbook import and export (chibo.workbook.views)
        "nav_workbook": scope.is_org_admin,
        "nav_unread": SimpleLazyObject(lambda: request_unread_count(request)),
    }
