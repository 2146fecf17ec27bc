"""Pages of achievement filing (科技成果汇交): the public database, an achievement's page, an
institution's filings with the step-by-step filing form, and the officials' review queue.

Views are thin: a form checks the input, a selector reads (what the user may not see is a 404), a
permission check turns away the rest (403), one service writes, and the page redirects with a message.
A service's ``ValidationError`` is shown on the form next to the field it names.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from achievements import policies, providers
from achievements import rules as achievement_rules
from achievements.actions import ACHIEVEMENT_ACTIONS, ATTACHMENT_ACTIONS, IP_ASSET_ACTIONS
from achievements.choices import PATENT_KINDS, AchievementStatus, CooperationMode, DetailVisibility
from achievements.forms import filings as forms
from achievements.models import Achievement
from achievements.selectors import filings as selectors
from achievements.services import filings as services
from core import uploads
from core.forms import add_service_errors
from core.permissions import require
from institutions import rules as institution_rules
from institutions.choices import ClassificationScheme
from institutions.models import Organisation
from institutions.roles import actor_roles
from institutions.selectors import organisations as institution_selectors

PAGE_SIZE = 20

STEPS = (
    (1, gettext_lazy("Basics")),
    (2, gettext_lazy("Classification")),
    (3, gettext_lazy("Source and terms")),
    (4, gettext_lazy("Owners and contributors")),
    (5, gettext_lazy("IP assets")),
    (6, gettext_lazy("Attachments")),
    (7, gettext_lazy("Review and submit")),
)
LAST_STEP = len(STEPS)

# The step of the filing form where each field is filled in, so that a problem can link to it.
FIELD_STEPS = {
    **dict.fromkeys(("title", "summary", "detail", "detail_visibility", "keywords"), 1),
    **dict.fromkeys(
        (
            "technology_field",
            "industry",
            "strategic_industry",
            "trl",
            "stage",
            "achievement_type",
            "is_dual_use",
            "secrecy_status",
        ),
        2,
    ),
    **dict.fromkeys(
        (
            "funding_programme",
            "project_number",
            "funding_amount",
            "completed_on",
            "cooperation_modes",
            "price_type",
            "indicative_price",
            "region",
            "publish_on_approval",
        ),
        3,
    ),
    "owners": 4,
    "contributors": 4,
}
FIELD_LABELS = {"owners": gettext_lazy("Owners"), "contributors": gettext_lazy("Contributors")}


def _render_fragment_or_page(request, *, page: str, fragment: str, context: dict):
    """An htmx request gets only the part it swaps in; everything else (no JS, reload) the whole page."""
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, fragment if partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _trl_labels(entries) -> dict[int, str]:
    return {int(entry.code): entry.label for entry in entries}


def _with_display(achievements: list[Achievement], trl_labels: dict[int, str]) -> list[Achievement]:
    """Adds the display names of the cooperation modes and the TRL that the list items show."""
    modes = dict(CooperationMode.choices)
    for achievement in achievements:
        achievement.cooperation_labels = [
            modes[mode] for mode in achievement.cooperation_modes if mode in modes
        ]
        achievement.trl_label = trl_labels.get(achievement.trl, "")
    return achievements


def _page(request, queryset, trl_labels: dict[int, str]):
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = _with_display(list(page_obj.object_list), trl_labels)
    return page_obj


def _field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    return Achievement._meta.get_field(name).verbose_name


# --- The public database -------------------------------------------------------------------------


@require_GET
def achievement_list(request):
    taxonomy = forms.taxonomy()
    form = forms.AchievementFilterForm(
        request.GET, regions=list(institution_selectors.region_list()), taxonomy=taxonomy
    )
    form.is_valid()
    achievements = selectors.achievement_public_list(
        actor=request.user, filters=form.selector_filters(), q=form.query, ordering=form.selected_ordering
    )
    context = {
        "form": form,
        "page_obj": _page(request, achievements, _trl_labels(taxonomy[ClassificationScheme.TRL])),
        "filed_by": _filed_by(request.user, form.cleaned_data.get("institution")),
    }
    return _render_fragment_or_page(
        request, page="achievements/list.html", fragment="achievements/_results.html", context=context
    )


def _filed_by(user, pk: int | None) -> Organisation | None:
    """The filing institution the list is narrowed to (``?institution=``), to name it above the results."""
    if pk is None:
        return None
    return institution_selectors.organisation_visible_queryset(actor=user).filter(pk=pk).first()


# --- An achievement's page and its workflow actions ------------------------------------------------


def _duplicates(user, achievement: Achievement) -> list[dict]:
    """Possible duplicates by patent number or near-identical title, as the user may see them."""
    numbers = [asset.number for asset in achievement.ip_assets.all() if asset.kind in PATENT_KINDS]
    found = selectors.achievement_possible_duplicates(
        actor=user, title=achievement.title, patent_numbers=numbers, exclude_pk=achievement.pk
    )
    return [
        {
            "achievement": duplicate.achievement,
            "reason": duplicate.reason,
            "similarity": round(duplicate.similarity * 100),
            "visible": duplicate.visible,
        }
        for duplicate in found
    ]


def _with_actions(rows, action_set, user):
    """Marks each row with its buttons (``row.actions``: the API's ``actions`` of it) for the template."""
    for row in rows:
        row.actions = action_set.may(user, row)
    return rows


def _detail_hidden_note(user, achievement: Achievement) -> str:
    if achievement.detail_visibility == DetailVisibility.ENTERPRISE:
        if user.is_authenticated:
            return _("The detail is open to enterprise users; sign in with an enterprise account to read it.")
        return _("Sign in as an enterprise user to read the detail.")
    return _("Sign in to read the detail.")


def _detail_page(request, achievement: Achievement, *, return_form=None, status: int = 200):
    user = request.user
    can = ACHIEVEMENT_ACTIONS.may(user, achievement)
    # The page decides a submitted filing in one panel (approve, or return with reasons).
    approve, return_ = can.pop("approve"), can.pop("return")
    can["review"] = approve or return_
    can["read_detail"] = user.has_perm("achievements.view_achievement_detail", achievement)
    can["follow"] = user.has_perm("achievements.follow_achievement", achievement)
    _with_actions(achievement.attachments.all(), ATTACHMENT_ACTIONS, user)
    trl = forms.taxonomy((ClassificationScheme.TRL,))[ClassificationScheme.TRL] if achievement.trl else []
    _with_display([achievement], _trl_labels(trl))
    context = {
        "achievement": achievement,
        "can": can,
        "detail_hidden_note": "" if can["read_detail"] else _detail_hidden_note(request.user, achievement),
        "return_form": return_form or forms.ReturnForm(),
        "duplicates": _duplicates(request.user, achievement) if can["review"] else [],
        "listings": providers.achievement_listings(actor=user, achievement=achievement),
        "review_refusal": _review_refusal(user, achievement),
    }
    return render(request, "achievements/detail.html", context, status=status)


def _review_refusal(user, achievement: Achievement) -> str:
    """Why an official who reviews this jurisdiction is not offered this filing's review (separation of
    duties), so the missing buttons are explained; empty otherwise."""
    if achievement.status != AchievementStatus.SUBMITTED or not user.has_perm(
        "achievements.review_achievement", achievement
    ):
        return ""
    code = achievement_rules.review_refusal(user, achievement)
    return str(institution_rules.separation_of_duties(code)) if code else ""


@require_GET
def achievement_detail(request, pk: int):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    return _detail_page(request, achievement)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    require(request.user, "achievements.view_achievement_detail", achievement)
    attachment = next((item for item in achievement.attachments.all() if item.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    return uploads.download_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def achievement_submit(request, pk: int):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    require(request.user, "achievements.change_achievement", achievement)
    try:
        services.achievement_submit(actor=request.user, achievement=achievement)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            messages.error(request, _("The filing cannot be submitted yet: complete what is listed below."))
            return redirect("achievements:edit_step", pk=achievement.pk, step=LAST_STEP)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The filing has been submitted for review; the officials of your region have been notified."),
        )
    return redirect("achievements:detail", pk=achievement.pk)


def _workflow_action(request, pk: int, *, permission: str, service, success: str):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    require(request.user, permission, achievement)
    try:
        service(actor=request.user, achievement=achievement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("achievements:detail", pk=achievement.pk)


@login_required
@require_POST
def achievement_withdraw(request, pk: int):
    return _workflow_action(
        request,
        pk,
        permission="achievements.change_achievement",
        service=services.achievement_withdraw,
        success=_("The filing has been withdrawn."),
    )


@login_required
@require_POST
def achievement_publish(request, pk: int):
    return _workflow_action(
        request,
        pk,
        permission="achievements.publish_achievement",
        service=services.achievement_publish,
        success=_("The achievement is now public in the achievement database."),
    )


@login_required
@require_POST
def achievement_approve(request, pk: int):
    return _workflow_action(
        request,
        pk,
        permission="achievements.review_achievement",
        service=services.achievement_approve,
        success=_("The filing has been approved; the filing institution has been notified."),
    )


@login_required
@require_POST
def achievement_return(request, pk: int):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    require(request.user, "achievements.review_achievement", achievement)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.achievement_return(
                actor=request.user, achievement=achievement, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The filing has been returned; the filing institution has been told why.")
            )
            return redirect("achievements:detail", pk=achievement.pk)
    return _detail_page(request, achievement, return_form=form, status=400)


# --- My filings and the review queue -------------------------------------------------------------


def _filing_institutions(user) -> list[Organisation]:
    """The organisations the user may file for: those they work for (admin, staff) or are a partner of."""
    roles = actor_roles(user)
    ids = roles.member_of | roles.partner_of
    if not ids:
        return []
    return list(Organisation.objects.filter(pk__in=ids, is_active=True).only("pk", "name").order_by("name"))


@login_required
@require_GET
def my_filings(request):
    status = request.GET.get("status", "")
    if status not in AchievementStatus.values:
        status = ""
    counts = dict(
        selectors.achievement_my_list(actor=request.user)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    filings = selectors.achievement_my_list(
        actor=request.user, filters={"status": [status]} if status else None
    )
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in AchievementStatus.choices
    ]
    context = {
        "page_obj": _page(request, filings, {}),
        "status": status,
        "tabs": tabs,
        "institutions": _filing_institutions(request.user),
    }
    return render(request, "achievements/mine.html", context)


@login_required
@require_GET
def review_queue(request):
    require(request.user, "achievements.view_review_queue")
    taxonomy = forms.taxonomy((ClassificationScheme.TRL,))
    queue = selectors.achievement_review_queue(actor=request.user)
    context = {"page_obj": _page(request, queue, _trl_labels(taxonomy[ClassificationScheme.TRL]))}
    return render(request, "achievements/review_queue.html", context)


# --- Filing, step by step ------------------------------------------------------------------------


def _after_save(request, achievement: Achievement, step: int):
    if request.POST.get("action") == "continue" and step < LAST_STEP:
        return redirect("achievements:edit_step", pk=achievement.pk, step=step + 1)
    return redirect("achievements:edit_step", pk=achievement.pk, step=step)


def _step_page(request, achievement: Achievement | None, step: int, context: dict):
    context = {
        "achievement": achievement,
        "step": step,
        "steps": STEPS,
        "step_label": dict(STEPS)[step],
        "last_step": LAST_STEP,
        **context,
    }
    return render(request, f"achievements/filing_step{step}.html", context)


@login_required
def achievement_create(request):
    """Step 1 of a new filing: saving it creates the draft."""
    institutions = _filing_institutions(request.user)
    if not institutions:
        raise PermissionDenied
    initial = {"institution": request.GET.get("institution")} if len(institutions) > 1 else {}
    form = forms.BasicsForm(request.POST or None, institutions=institutions, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            achievement = services.achievement_create(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                data=form.service_data(),
                submission_key=form.sent_submission_key,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft has been saved. You can come back to it any time."))
            return _after_save(request, achievement, 1)
    return _step_page(request, None, 1, {"form": form})


@login_required
def achievement_edit(request, pk: int, step: int = 1):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    require(request.user, "achievements.change_achievement", achievement)
    if not 1 <= step <= LAST_STEP:
        raise Http404
    if achievement.status not in policies.EDITABLE_STATUSES:
        messages.info(
            request,
            _("Only drafts and returned filings can be edited; this one is %(status)s.")
            % {"status": achievement.get_status_display()},
        )
        return redirect("achievements:detail", pk=achievement.pk)
    handlers = {
        1: lambda: _fields_step(request, achievement, 1, forms.BasicsForm),
        2: lambda: _fields_step(request, achievement, 2, forms.ClassificationForm, taxonomy=forms.taxonomy()),
        3: lambda: _fields_step(request, achievement, 3, forms.TermsForm),
        4: lambda: _people_step(request, achievement),
        5: lambda: _ip_step(request, achievement),
        6: lambda: _attachments_step(request, achievement),
        7: lambda: _review_step(request, achievement),
    }
    return handlers[step]()


def _fields_step(request, achievement: Achievement, step: int, form_class, **form_kwargs):
    form = form_class(request.POST or None, initial=form_class.initial_for(achievement), **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.achievement_update(actor=request.user, achievement=achievement, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return _after_save(request, achievement, step)
    return _step_page(request, achievement, step, {"form": form})


def _people_step(request, achievement: Achievement):
    data = request.POST or None
    owners = forms.OwnerFormSet(
        data,
        prefix="owners",
        initial=[
            {
                "kind": owner.kind,
                "organisation": owner.display_name,
                "credit_code": owner.credit_code,
                "share_percent": owner.share_percent,
            }
            for owner in achievement.owners.select_related("organisation")
        ],
    )
    contributors = forms.ContributorFormSet(
        data,
        prefix="contributors",
        initial=[
            {"name": person.name, "affiliation": person.affiliation, "share_percent": person.share_percent}
            for person in achievement.contributors.all()
        ],
    )
    if request.method == "POST" and owners.is_valid() and contributors.is_valid():
        try:
            services.achievement_update(
                actor=request.user,
                achievement=achievement,
                data={},
                owners=[services.OwnerShare(**owner) for owner in owners.owners()],
                contributors=[
                    services.Contributor(
                        name=person["name"],
                        affiliation=person["affiliation"],
                        share_percent=person["share_percent"],
                    )
                    for person in contributors.contributors()
                ],
            )
        except ValidationError as error:
            owners.non_form_errors().extend(error.messages)
        else:
            messages.success(request, _("The draft has been saved."))
            return _after_save(request, achievement, 4)
    context = {
        "owners": owners,
        "contributors": contributors,
        "share_total": sum(owner.share_percent for owner in achievement.owners.all()),
        "suggested_organisations": _filing_institutions(request.user),
    }
    return _step_page(request, achievement, 4, context)


def _ip_step(request, achievement: Achievement):
    form = forms.IPAssetForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST":
        if not form.has_changed() and action != "add":
            return _after_save(request, achievement, 5)
        if form.is_valid():
            try:
                asset = services.ip_asset_add(
                    actor=request.user, achievement=achievement, data=form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(asset)s has been added.") % {"asset": asset})
                return _after_save(request, achievement, 5)
    assets = _with_actions(achievement.ip_assets.all(), IP_ASSET_ACTIONS, request.user)
    return _step_page(request, achievement, 5, {"form": form, "assets": assets})


def _attachments_step(request, achievement: Achievement):
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)
    action = request.POST.get("action")
    if request.method == "POST":
        if not request.FILES and action != "add":
            return _after_save(request, achievement, 6)
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    actor=request.user, achievement=achievement, uploaded_file=form.cleaned_data["file"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s has been attached.") % {"name": attachment.original_name}
                )
                return _after_save(request, achievement, 6)
    attachments = _with_actions(achievement.attachments.all(), ATTACHMENT_ACTIONS, request.user)
    return _step_page(request, achievement, 6, {"form": form, "attachments": attachments})


def _review_step(request, achievement: Achievement):
    problems = [
        {"label": _field_label(name), "messages": problem_messages, "step": FIELD_STEPS.get(name, 1)}
        for name, problem_messages in services.submission_problems(achievement).items()
    ]
    taxonomy = forms.taxonomy((ClassificationScheme.TRL,))
    _with_display([achievement], _trl_labels(taxonomy[ClassificationScheme.TRL]))
    context = {"problems": problems, "duplicates": _duplicates(request.user, achievement)}
    return _step_page(request, achievement, 7, context)


def _editable_child(request, pk: int, related: str, child_pk: int):
    achievement = selectors.achievement_get(pk=pk, actor=request.user)
    require(request.user, "achievements.change_achievement", achievement)
    child = next((item for item in getattr(achievement, related).all() if item.pk == child_pk), None)
    if child is None:
        raise Http404
    return achievement, child


@login_required
@require_POST
def ip_asset_remove(request, pk: int, asset_pk: int):
    achievement, asset = _editable_child(request, pk, "ip_assets", asset_pk)
    try:
        services.ip_asset_remove(actor=request.user, asset=asset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("achievements:detail", pk=achievement.pk)
    messages.success(request, _("%(asset)s has been removed.") % {"asset": asset})
    return redirect("achievements:edit_step", pk=achievement.pk, step=5)


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    achievement, attachment = _editable_child(request, pk, "attachments", attachment_pk)
    try:
        services.attachment_remove(actor=request.user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("achievements:detail", pk=achievement.pk)
    messages.success(request, _("%(name)s has been removed.") % {"name": attachment.original_name})
    return redirect("achievements:edit_step", pk=achievement.pk, step=6)


@login_required
@require_GET
def organisation_suggestions(request):
    """``<option>``s of organisations whose name or credit code matches what was typed (htmx datalist)."""
    text = request.GET.get("q") or next(
        (value for name, value in request.GET.items() if name.endswith("organisation")), ""
    )
    text = text.strip()
    organisations = []
    if len(text) >= 2:
        organisations = list(
            institution_selectors.organisation_list(actor=request.user, filters={"q": text}).filter(
                is_active=True
            )[:10]
        )
    return render(request, "achievements/_organisation_options.html", {"organisations": organisations})
