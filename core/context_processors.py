"""The navigation bar's to-do badge: how much waits on the signed-in user, per section and in total.

The counts come from ``core.todo``, the same code as the to-do page. Lazy: a page that does not draw the
navigation bar (an htmx fragment) costs no query; one that does costs one, whatever the sections.
"""

from django.utils.functional import SimpleLazyObject

from core import todo


def todo_counts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo": SimpleLazyObject(lambda: todo.todo_counts(user=user))}
