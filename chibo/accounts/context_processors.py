def nav(request):
    """What the top navigation may offer: org pages only to roles that read organizations."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .scope import Scope

    scope = Scope.for_user(user)
    return {
        "nav_orgs": scope.superuser or bool(scope.read_paths),
        "nav_self_id": scope.member_self_id,
    }
