"""Pages of achievement filing (placeholder: the detail page)."""

from django.shortcuts import render

from achievements import selectors


def achievement_detail(request, pk: int):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    return render(request, "achievements/detail.html", {"achievement": achievement})
