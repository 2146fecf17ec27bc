"""The notifications page: a person's own notifications, unread first, marked read one by one or all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.actions import NOTIFICATION_ACTIONS

PAGE_SIZE = 20

# Unread ones come first, each group newest first.
UNREAD_FIRST = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())


@login_required
@require_GET
def notification_list(request):
    notifications = selectors.notification_list(recipient=request.user).order_by(
        UNREAD_FIRST, "-created_at", "-pk"
    )
    page_obj = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page_obj:  # each row's buttons (the API's ``actions``)
        notification.actions = NOTIFICATION_ACTIONS.may(request.user, notification)
    # The unread count comes from the navigation's context processor (``unread_notification_count``).
    return render(request, "notifications/list.html", {"page_obj": page_obj})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Marks one of the user's notifications read; with ``open`` also follows its link."""
    notification = selectors.notification_list(recipient=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(recipient=request.user, notification_ids=[notification.pk])
    link = notification.url
    if (
        request.POST.get("open")
        and link
        and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_read(recipient=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
    )
    return redirect("notifications:list")
