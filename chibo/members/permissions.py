"""Member lookups through the scope: outside it, 404 like a missing record."""

from django.http import Http404

from .models import Member
from .selectors import member_detail


def member_or_404(scope, pk, write=False) -> Member:
    try:
        member = member_detail(pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        if not scope.can_write(member.cell):
            raise Http404
        return member
    if scope.covers(member.cell) or scope.member_self_id == member.pk:
        return member
    raise Http404
