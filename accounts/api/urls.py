"""Routes of the accounts API, mounted under /api/v1/ (namespace ``api``).

Partner keys authenticate here (``accounts.api.authentication``). ``GET /api/v1/me/`` reports the
caller's roles, which are memberships in organisations, so it lives in ``institutions.api``:
``accounts`` may not import ``institutions`` (DESIGN.md, dependencies point one way).
"""

urlpatterns = []
