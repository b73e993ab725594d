"""A user's own password and API tokens; an org-board admin resets another user's password and
revokes their tokens (users with a role under the admin's nodes: anyone else is 404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chibo.core.web import bad_query, get_or_404, no_compression

from .models import ApiToken, RoleAssignment, User
from .scope import Scope
from .services import password_change, password_reset, token_revoke


def managed_users(scope: Scope):
    """The users an org-board admin manages: those with a role at a node under theirs (a
    superuser: every user)."""
    if scope.superuser:
        return User.objects.all()
    if not scope.is_org_admin:
        return User.objects.none()
    roles = RoleAssignment.objects.filter(scope.paths_q("organization__path"), user=OuterRef("pk"))
    return User.objects.filter(Exists(roles))


def user_or_404(request, pk) -> User:
    """The user `pk` if it is the requester or one an org-board admin manages; else 404."""
    if str(pk) == str(request.user.pk):
        return request.user
    return get_or_404(managed_users(Scope.for_user(request.user)), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def change_password(request):
    """The user's own password; required before any page after an admin reset it."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoked = password_change(
            user=request.user, new_password=form.cleaned_data["new_password1"], actor=request.user
        )
        update_session_auth_hash(request, request.user)  # this session stays signed in
        message = _("Đã đổi mật khẩu.")
        if revoked:
            message += " " + _("%(n)s mã API đã bị thu hồi.") % {"n": revoked}
        messages.success(request, message)
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def reset_password(request, pk):
    """An org-board admin sets a temporary password for another user, who must change it."""
    user = user_or_404(request, pk)
    if user == request.user:
        return redirect("accounts:password_change")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset(
            user=user, new_password=form.cleaned_data["new_password1"], actor=request.user
        )
        messages.success(
            request,
            _("Đã đặt lại mật khẩu của %(u)s; người này phải đổi mật khẩu khi đăng nhập.")
            % {"u": user},
        )
        return redirect(reverse("accounts:tokens") + f"?user={user.pk}")
    return render(request, "accounts/password_reset.html", {"form": form, "target": user})


class TokenListForm(forms.Form):
    user = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


@login_required
@no_compression  # it shows a secret once
def tokens(request):
    """API tokens: the user's own, or (?user=) those of a user an org-board admin manages."""
    query = TokenListForm(request.GET)
    if not query.is_valid():
        return bad_query(query, request=request)
    target = user_or_404(request, query.cleaned_data["user"] or request.user.pk)
    rows = ApiToken.objects.filter(user=target).order_by("-created_at", "-id")
    context = {
        "target": target,
        "own": target == request.user,
        "tokens": rows,
        "can_reset": target != request.user,
        "lifetime_hours": ApiToken.LIFETIME_HOURS,
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def revoke(request, pk):
    token = get_or_404(ApiToken.objects.select_related("user"), pk=pk)
    user_or_404(request, token.user_id)
    if token_revoke(token=token, actor=request.user):
        messages.success(request, _("Đã thu hồi mã API."))
    url = reverse("accounts:tokens")
    return redirect(url if token.user_id == request.user.pk else f"{url}?user={token.user_id}")
