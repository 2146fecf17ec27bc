"""Pages of inquiries (意向) and deals (交易): the inquiry forms from a listing or a demand, the private
thread, "my inquiries", the deal page with its confirmations, brokers and signing banner, and "my deals".

Views are thin: a form checks the input, a selector reads (what the user may not see is a 404), a
permission check turns away the rest (403), one service writes, and the page redirects with a message.
A service's ``ValidationError`` is shown on the form next to the field it names.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import uploads, versions
from core.forms import add_service_errors
from core.permissions import require
from institutions.models import Organisation
from institutions.roles import actor_roles
from market import actions, rules
from market.choices import DealStatus, ListingStatus
from market.filters.deals import SIDE_CHOICES
from market.forms import deals as forms
from market.models import Deal, Demand, Inquiry, Listing
from market.selectors import deals as selectors
from market.services import deals as services
from market.services import inquiries as inquiry_services

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _service_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- opening an inquiry ----------------------------------------------------------------------------


def _organisations(ids) -> list:
    return Organisation.objects.filter(pk__in=ids, is_active=True).only("pk", "name").order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_create_for_listing(request, pk: int):
    listing = get_object_or_404(Listing.objects.visible_to(request.user).select_related("institution"), pk=pk)
    require(request.user, "market.inquire_listing", listing)
    organisations = _organisations(actor_roles(request.user).member_of).exclude(pk=listing.institution_id)
    form = forms.InquiryForListingForm(request.POST or None, organisations=organisations)
    status = 200
    if listing.status not in (ListingStatus.PUBLICITY, ListingStatus.ACTIVE):
        messages.error(request, _("This listing takes no inquiries."))
        return redirect("market:listing-detail", pk=listing.pk)
    if request.method == "POST":
        if form.is_valid():
            try:
                inquiry = inquiry_services.inquiry_open_for_listing(
                    actor=request.user,
                    listing=listing,
                    buyer=form.cleaned_data["buyer"],
                    message=form.cleaned_data["message"],
                    submission_key=form.sent_submission_key,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your inquiry has been sent; the seller has been notified."))
                return redirect("market:inquiry-detail", pk=inquiry.pk)
        status = 400
    context = {"form": form, "listing": listing, "subject": listing}
    return render(request, "market/inquiries/create.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_create_for_demand(request, pk: int):
    demand = get_object_or_404(Demand.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
    require(request.user, "market.answer_demand", demand)
    roles = actor_roles(request.user)
    institution_ids = roles.member_of & roles.institution_of
    listings = (
        Listing.objects.filter(institution_id__in=institution_ids)
        .open_for_inquiries()
        .only("pk", "title")
        .order_by("-published_at", "-pk")
    )
    form = forms.InquiryForDemandForm(
        request.POST or None,
        organisations=_organisations(institution_ids).exclude(pk=demand.enterprise_id),
        listings=listings,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                inquiry = inquiry_services.inquiry_open_for_demand(
                    actor=request.user,
                    demand=demand,
                    seller=form.cleaned_data["seller"],
                    message=form.cleaned_data["message"],
                    listing=form.cleaned_data["offered_listing"],
                    submission_key=form.sent_submission_key,
                )
            except ValidationError as error:
                add_service_errors(form, error, aliases={"listing": "offered_listing"})
            else:
                messages.success(request, _("Your answer has been sent; the enterprise has been notified."))
                return redirect("market:inquiry-detail", pk=inquiry.pk)
        status = 400
    context = {"form": form, "demand": demand, "subject": demand}
    return render(request, "market/inquiries/create.html", context, status=status)


# --- my inquiries and a thread ---------------------------------------------------------------------


@login_required
@require_GET
def my_inquiries(request):
    form = forms.InquiryFilterForm(request.GET)
    inquiries = selectors.inquiry_list(actor=request.user, filters=form.selector_filters())
    context = {"form": form, "page_obj": _page(request, inquiries)}
    return render(request, "market/inquiries/list.html", context)


def _proposal_initial(inquiry: Inquiry) -> dict:
    subject = inquiry.listing or inquiry.demand
    mode = inquiry.listing.transaction_mode if inquiry.listing else inquiry.demand.cooperation_mode
    amount = inquiry.listing.price if inquiry.listing else inquiry.demand.budget_max
    return {"title": subject.title, "transaction_mode": mode, "amount": amount}


def _thread_page(request, inquiry: Inquiry, *, status: int = 200, **forms_given):
    context = {
        "inquiry": inquiry,
        "thread": list(inquiry.messages.all()),
        "deal": getattr(inquiry, "deal", None),
        "can": actions.INQUIRY_ACTIONS.may(request.user, inquiry),
        "message_form": forms_given.get("message_form") or forms.MessageForm(),
        "close_form": forms_given.get("close_form") or forms.ReasonForm(),
        "propose_form": forms_given.get("propose_form")
        or forms.DealTermsForm(initial=_proposal_initial(inquiry)),
    }
    return render(request, "market/inquiries/detail.html", context, status=status)


@login_required
@require_GET
def inquiry_detail(request, pk: int):
    inquiry = selectors.inquiry_get(pk=pk, actor=request.user)
    return _thread_page(request, inquiry)


@login_required
@require_POST
def inquiry_message_post(request, pk: int):
    inquiry = selectors.inquiry_get(pk=pk, actor=request.user)
    require(request.user, "market.take_part_in_inquiry", inquiry)
    form = forms.MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            inquiry_services.message_post(
                actor=request.user,
                inquiry=inquiry,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(reverse("market:inquiry-detail", args=[inquiry.pk]) + "#latest")
    return _thread_page(request, inquiry, status=400, message_form=form)


@login_required
@require_GET
def inquiry_attachment(request, pk: int, message_pk: int):
    inquiry = selectors.inquiry_get(pk=pk, actor=request.user)
    require(request.user, "market.take_part_in_inquiry", inquiry)
    message = next((item for item in inquiry.messages.all() if item.pk == message_pk), None)
    if message is None or not message.attachment:
        raise Http404
    return uploads.download_response(
        message.attachment, filename=message.attachment_name, content_type=message.attachment_type
    )


@login_required
@require_POST
def inquiry_close(request, pk: int):
    inquiry = selectors.inquiry_get(pk=pk, actor=request.user)
    require(request.user, "market.manage_inquiry", inquiry)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            inquiry_services.inquiry_close(
                actor=request.user, inquiry=inquiry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The inquiry has been closed; the other party has been notified."))
            return redirect("market:inquiry-detail", pk=inquiry.pk)
    return _thread_page(request, inquiry, status=400, close_form=form)


@login_required
@require_POST
def inquiry_propose_deal(request, pk: int):
    inquiry = selectors.inquiry_get(pk=pk, actor=request.user)
    require(request.user, "market.manage_inquiry", inquiry)
    form = forms.DealTermsForm(request.POST)
    if form.is_valid():
        try:
            deal = services.deal_propose(actor=request.user, inquiry=inquiry, terms=form.terms_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The deal has been proposed; the other party has been asked to confirm the terms.")
            )
            return redirect("market:deal-detail", pk=deal.pk)
    return _thread_page(request, inquiry, status=400, propose_form=form)


# --- deals -----------------------------------------------------------------------------------------


@login_required
@require_GET
def my_deals(request):
    form = forms.DealFilterForm(request.GET)
    deals = selectors.deal_list(actor=request.user, filters=form.selector_filters())
    side = form.cleaned_data.get("side", "") if form.is_valid() else ""
    tabs = [("", _("All"))] + [(value, str(label)) for value, label in SIDE_CHOICES]
    context = {"form": form, "page_obj": _page(request, deals), "tabs": tabs, "side": side}
    return render(request, "market/deals/list.html", context)


def _deal_page(request, deal: Deal, *, status: int = 200, stale=None, **forms_given):
    for engagement in deal.broker_engagements.all():  # each engagement's buttons (the API's ``actions``)
        engagement.actions = actions.DEAL_BROKER_ACTIONS.may(request.user, engagement)
    engagements = [
        (engagement, selectors.engagement_commission(engagement, deal))
        for engagement in deal.broker_engagements.all()
    ]
    context = {
        "deal": deal,
        # the deal's actions (the API's ``actions``) and the side the user speaks for
        "can": {**actions.DEAL_ACTIONS.may(request.user, deal), "side": rules.party_side(request.user, deal)},
        "signing_blocker": selectors.deal_signing_blocker(deal),
        "stale": stale,  # a confirmation of terms that changed since (core.versions.StaleVersion)
        "engagements": engagements,
        "contract": selectors.deal_contract(deal),
        "terms_form": forms_given.get("terms_form")
        or forms.DealTermsForm(
            initial={
                "title": deal.title,
                "transaction_mode": deal.transaction_mode,
                "contract_category": deal.contract_category,
                "amount": deal.amount,
                "payment_method": deal.payment_method,
                "terms": deal.terms,
                "disclose_amount": deal.disclose_amount,
            }
        ),
        "cancel_form": forms_given.get("cancel_form") or forms.ReasonForm(),
        "broker_form": forms_given.get("broker_form") or forms.BrokerEngageForm(),
    }
    return render(request, "market/deals/detail.html", context, status=status)


@login_required
@require_GET
def deal_detail(request, pk: int):
    deal = selectors.deal_get(pk=pk, actor=request.user)
    return _deal_page(request, deal)


@login_required
@require_POST
def deal_update_terms(request, pk: int):
    deal = selectors.deal_get(pk=pk, actor=request.user)
    require(request.user, "market.negotiate_deal", deal)
    form = forms.DealTermsForm(request.POST)
    if form.is_valid():
        try:
            updated = services.deal_update_terms(actor=request.user, deal=deal, terms=form.terms_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if updated.terms_version == deal.terms_version:
                messages.info(request, _("The terms are the same as before; nothing changed."))
            else:
                messages.success(
                    request, _("The terms have been changed; the other party must confirm them again.")
                )
            return redirect("market:deal-detail", pk=deal.pk)
    return _deal_page(request, deal, status=400, terms_form=form)


@login_required
@require_POST
def deal_confirm(request, pk: int):
    deal = selectors.deal_get(pk=pk, actor=request.user)
    require(request.user, "market.negotiate_deal", deal)
    form = forms.DealConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and confirm the terms it shows."))
        return redirect("market:deal-detail", pk=pk)
    try:
        deal = services.deal_confirm(
            actor=request.user, deal=deal, terms_version=form.cleaned_data["terms_version"]
        )
    except versions.StaleVersion as error:
        # 409: the page shows the current terms, what changed, and the button to confirm them
        return _deal_page(request, deal, status=409, stale=error)
    except ValidationError as error:
        messages.error(request, _service_message(error))
    else:
        if deal.status == DealStatus.AGREED:
            messages.success(request, _("Both parties have confirmed: the deal is signed."))
        else:
            messages.success(
                request, _("Your confirmation has been recorded; the other party has been notified.")
            )
    return redirect("market:deal-detail", pk=pk)


@login_required
@require_POST
def deal_cancel(request, pk: int):
    deal = selectors.deal_get(pk=pk, actor=request.user)
    require(request.user, "market.negotiate_deal", deal)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.deal_cancel(actor=request.user, deal=deal, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deal has been cancelled; the other party has been notified."))
            return redirect("market:deal-detail", pk=deal.pk)
    return _deal_page(request, deal, status=400, cancel_form=form)


@login_required
@require_POST
def deal_broker_engage(request, pk: int):
    deal = selectors.deal_get(pk=pk, actor=request.user)
    require(request.user, "market.negotiate_deal", deal)
    form = forms.BrokerEngageForm(request.POST)
    if form.is_valid():
        try:
            services.broker_engage(actor=request.user, deal=deal, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The broker has been engaged and notified."))
            return redirect("market:deal-detail", pk=deal.pk)
    return _deal_page(request, deal, status=400, broker_form=form)


@login_required
@require_POST
def deal_broker_release(request, pk: int, engagement_pk: int):
    deal = selectors.deal_get(pk=pk, actor=request.user)
    require(request.user, "market.negotiate_deal", deal)
    engagement = selectors.engagement_get(pk=engagement_pk, deal=deal)
    try:
        services.broker_release(actor=request.user, engagement=engagement)
    except ValidationError as error:
        messages.error(request, _service_message(error))
    else:
        messages.success(request, _("The broker's engagement has ended."))
    return redirect("market:deal-detail", pk=pk)
