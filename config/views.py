"""The home page: what the platform is, with the institution network's headline numbers."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from institutions import selectors


@require_GET
def home(request):
    return render(request, "home.html", {"counts": selectors.headline_counts()})
