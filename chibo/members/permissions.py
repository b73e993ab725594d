"""Member lookups through the scope: outside it, 404 like a missing record."""

from django.http import Http404

from chibo.core.web import covers_or_404, get_or_404

from .models import Member
from .selectors import member_detail


def member_or_404(scope, pk, write=False, *, queryset=None) -> Member:
    """The member `pk` if the scope reads their cell or they are the user themselves; with
    `write`, if the scope writes their cell. Else 404. `queryset` says what is read with the
    member (default: what the member's page shows, member_detail)."""
    if queryset is not None:
        member = get_or_404(queryset, pk=pk)
    else:
        try:
            member = member_detail(pk)
        except (Member.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    if write or scope.member_self_id != member.pk:
        covers_or_404(scope, member.cell, write=write)
    return member
