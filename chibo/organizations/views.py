from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    return redirect("organizations:tree")


@login_required
def tree(request):
    return render(request, "organizations/tree.html", {})


@login_required
def detail(request, pk):
    return render(request, "organizations/detail.html", {})
