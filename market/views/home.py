"""The market home page (天府技术交易大市场): search, headline numbers, the latest listings, open
demands and deal disclosures, and shortcuts to the signed-in user's own lists."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from market.selectors import home as selectors


@require_GET
def market_home(request):
    return render(request, "market/home.html", selectors.market_home(actor=request.user))
