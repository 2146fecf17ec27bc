"""The to-do page (待办, /todo/): everything waiting on the signed-in user, section by section.

It reads ``core.todo`` only; each app registers its sections there in ``AppConfig.ready()``, so this
page knows no higher app. The navigation bar's badge counts the same sections.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import todo


@login_required
@require_GET
def todo_list(request):
    groups = todo.todo_sections(user=request.user)
    counts = todo.TodoCounts(counts={group.key: group.count for group in groups})
    # ``todo`` overrides the context processor's lazy badge: the counts just read, not a second query.
    context = {"groups": groups, "total": counts.total, "todo": counts}
    return render(request, "institutions/todo.html", context)
