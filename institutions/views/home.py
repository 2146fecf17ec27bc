"""The site's home page (/): what the platform is, with the institution network's headline numbers.

It lives in institutions, the highest app that supplies its figures (DESIGN.md); ``config/urls.py``
mounts it at the root.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from institutions.selectors import organisations as selectors


@require_GET
def home(request):
    return render(request, "institutions/home.html", {"counts": selectors.headline_counts()})
