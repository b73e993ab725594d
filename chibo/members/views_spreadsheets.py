from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def import_upload(request):
    raise Http404


@login_required
def import_template(request):
    raise Http404


@login_required
def import_confirm(request, token):
    raise Http404


@login_required
def export(request):
    raise Http404
