"""One page per movement: the form, the service, back to the member's record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chibo.accounts.scope import Scope
from chibo.core.submissions import create_once, repeated_message, submitted_before
from chibo.core.web import add_errors

from ..models import TemporaryStay
from ..permissions import member_or_404
from ..selectors import members_for_forms
from .kinds import MOVEMENTS, available, cells_for


@login_required
@require_http_methods(["GET", "POST"])
def movement(request, pk, kind):
    scope = Scope.for_user(request.user)
    member = member_or_404(scope, pk, write=True, queryset=members_for_forms())
    mv = MOVEMENTS.get(kind)
    if request.method == "POST" and mv is not None and submitted_before(request) is not None:
        # The page sent again (back, then submit): the member's new status no longer offers this
        # movement, so answer as the first submit did before that rule refuses it.
        messages.info(request, repeated_message())
        return redirect("members:detail", pk=member.pk)
    open_stay = TemporaryStay.objects.filter(member=member, end__isnull=True).exists()
    if mv is None or kind not in dict(available(member, open_stay)):
        raise Http404
    kwargs = {}
    if mv.cells:
        kwargs["cells"] = cells_for(scope, mv.cells, member)
    form = mv.form(request.POST or None, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = create_once(
                key=form.submission_key,
                actor=request.user,
                create=lambda: mv.service(member=member, actor=request.user, **data),
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            if result.repeated:
                messages.info(request, repeated_message())
            else:
                messages.success(request, mv.done)
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "m": member, "title": f"{mv.title}: {member}"},
    )
