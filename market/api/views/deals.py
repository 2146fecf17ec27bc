"""REST API of inquiries (意向) and deals (交易): the private threads between the parties, proposing,
confirming and cancelling deals, and the brokers engaged on them.

Handlers are thin: they fetch through the selectors (a thread or deal the actor may not see is a 404),
check the rules permission (403) before reading the body, validate an input serializer (400), call one
service and answer with an output serializer. Refusals of the state machine are a 400 whose ``code``
names the rule (``illegal_transition``, ``signing_blocked`` …).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import uploads
from core.api import parsers as api_parsers
from core.api.filters import NamedOrderingFilter
from core.api.schema import ErrorSerializer, stale_version_response
from core.permissions import require
from market.api.serializers import deals as serializers
from market.filters.deals import DealFilterSet, InquiryFilterSet
from market.models import Deal, Demand, Inquiry, Listing
from market.selectors import deals as selectors
from market.services import deals as services
from market.services import inquiries as inquiry_services

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or it is not visible to you.")


# --- inquiries -------------------------------------------------------------------------------------


def _inquiry_schema(summary: str, description: str, request=None, responses=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=responses or {200: serializers.InquiryDetailSerializer, 404: _NOT_FOUND},
        tags=["inquiries"],
    )


@extend_schema_view(
    list=extend_schema(
        summary="My inquiries",
        description=(
            "The threads you take part in: as a member of the seller or the buyer, or as a broker on the "
            "listing or the deal. Filter by `status` and `side` (selling, buying, brokering)."
        ),
        tags=["inquiries"],
    ),
)
class InquiryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Inquiries (意向): a buyer's interest in a listing, or an institution's answer to a demand."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.InquirySerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = InquiryFilterSet
    ordering_fields = selectors.INQUIRY_ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Inquiry.objects.none()
        return selectors.inquiry_list(actor=self.request.user)

    def _inquiry(self, pk) -> Inquiry:
        return selectors.inquiry_get(pk=pk, actor=self.request.user)

    def _detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        inquiry = self._inquiry(pk)
        data = serializers.InquiryDetailSerializer(inquiry, context={"request": self.request}).data
        return Response(data, status=status_code)

    @_inquiry_schema("One inquiry with its messages", "For the parties and the brokers on it.")
    def retrieve(self, request, pk=None):
        return self._detail_response(pk)

    @_inquiry_schema(
        "Open an inquiry",
        "On a listing (in publicity or on the market), for an organisation you work for (`buyer`); or "
        "answering a published demand for an institution you work for (`seller`). One open inquiry per "
        "listing and buyer (per demand and seller).",
        request=serializers.InquiryCreateInputSerializer,
        responses={201: serializers.InquiryDetailSerializer, 404: _NOT_FOUND},
    )
    def create(self, request):
        serializer = serializers.InquiryCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("listing"):
            listing = get_object_or_404(
                Listing.objects.visible_to(request.user).select_related("institution"),
                pk=data["listing"].pk,
            )
            require(request.user, "market.inquire_listing", listing)
            inquiry = inquiry_services.inquiry_open_for_listing(
                actor=request.user, listing=listing, buyer=data["buyer"], message=data["message"]
            )
        else:
            demand = get_object_or_404(
                Demand.objects.visible_to(request.user).select_related("enterprise"),
                pk=data["demand"].pk,
            )
            require(request.user, "market.answer_demand", demand)
            inquiry = inquiry_services.inquiry_open_for_demand(
                actor=request.user,
                demand=demand,
                seller=data["seller"],
                message=data["message"],
                listing=data.get("offered_listing"),
            )
        return self._detail_response(inquiry.pk, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Messages of an inquiry",
        responses={200: serializers.MessageSerializer(many=True), 404: _NOT_FOUND},
        tags=["inquiries"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a message (optionally with a file)",
        description="For the parties and the brokers on the thread, while it is open or became a deal.",
        request={
            "multipart/form-data": serializers.MessageInputSerializer,
            "application/json": serializers.MessageInputSerializer,
        },
        responses={201: serializers.MessageSerializer, 404: _NOT_FOUND},
        tags=["inquiries"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, api_parsers.JSONParser],
        filter_backends=[],
    )
    def messages(self, request, pk=None):
        inquiry = self._inquiry(pk)
        if request.method == "POST":
            require(request.user, "market.take_part_in_inquiry", inquiry)
            serializer = serializers.MessageInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = inquiry_services.message_post(
                actor=request.user,
                inquiry=inquiry,
                body=serializer.validated_data["body"],
                attachment=serializer.validated_data.get("attachment"),
            )
            data = serializers.MessageSerializer(message, context={"request": request}).data
            return Response(data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.inquiry_messages(inquiry=inquiry))
        data = serializers.MessageSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Download a message's attachment",
        description="For those who may read the thread.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: _NOT_FOUND},
        tags=["inquiries"],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="messages/<int:message_pk>/attachment",
        url_name="message-attachment",
        filter_backends=[],
        pagination_class=None,
    )
    def message_attachment(self, request, pk=None, message_pk=None):
        inquiry = self._inquiry(pk)
        require(request.user, "market.take_part_in_inquiry", inquiry)
        message = next((item for item in inquiry.messages.all() if item.pk == int(message_pk)), None)
        if message is None or not message.attachment:
            raise Http404
        return uploads.download_response(
            message.attachment, filename=message.attachment_name, content_type=message.attachment_type
        )

    @_inquiry_schema(
        "Close an inquiry",
        "Either party ends an open inquiry without a deal; the reason is required.",
        request=serializers.ReasonInputSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        inquiry = self._inquiry(pk)
        require(request.user, "market.manage_inquiry", inquiry)
        serializer = serializers.ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry_services.inquiry_close(
            actor=request.user, inquiry=inquiry, reason=serializer.validated_data["reason"]
        )
        return self._detail_response(inquiry.pk)

    @extend_schema(
        summary="Propose a deal",
        description=(
            "Either party turns the open inquiry into a deal with these terms; your side is confirmed "
            "at once and the other side must confirm. Title and transaction mode default to the "
            "listing's (or the demand's), the contract category to the mode's."
        ),
        request=serializers.DealTermsInputSerializer,
        responses={201: serializers.DealSerializer, 404: _NOT_FOUND},
        tags=["inquiries"],
    )
    @action(
        detail=True, methods=["post"], url_path="propose-deal", url_name="propose-deal", filter_backends=[]
    )
    def propose_deal(self, request, pk=None):
        inquiry = self._inquiry(pk)
        require(request.user, "market.manage_inquiry", inquiry)
        serializer = serializers.DealTermsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deal = services.deal_propose(actor=request.user, inquiry=inquiry, terms=serializer.validated_data)
        deal = selectors.deal_get(pk=deal.pk, actor=request.user)
        data = serializers.DealSerializer(deal, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


# --- deals -----------------------------------------------------------------------------------------


def _deal_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: serializers.DealSerializer, 404: _NOT_FOUND},
        tags=["deals"],
    )


@extend_schema_view(
    list=extend_schema(
        summary="My deals",
        description=(
            "Deals you see: as a party, an engaged broker, the registration body it was submitted to or "
            "an official over a party. Filter by `side` (selling, buying, brokering), `status`, `year`."
        ),
        tags=["deals"],
    ),
)
class DealViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deals (交易): negotiated terms, signed when both parties confirm, then registered."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.DealSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = DealFilterSet
    ordering_fields = selectors.DEAL_ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Deal.objects.none()
        return selectors.deal_list(actor=self.request.user)

    def _deal(self, pk) -> Deal:
        return selectors.deal_get(pk=pk, actor=self.request.user)

    def _detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        deal = self._deal(pk)
        return Response(
            serializers.DealSerializer(deal, context={"request": self.request}).data, status=status_code
        )

    @_deal_schema("One deal", "With both confirmations, the signing blocker and the brokers.")
    def retrieve(self, request, pk=None):
        return self._detail_response(pk)

    @_deal_schema(
        "Change the terms under negotiation",
        "Only the fields sent change. When a term changes, `terms_version` is bumped, both confirmations "
        "are cleared (the other side is notified of what changed) and your side confirms the new terms.",
        request=serializers.DealTermsInputSerializer,
    )
    def partial_update(self, request, pk=None):
        deal = self._deal(pk)
        require(request.user, "market.negotiate_deal", deal)
        serializer = serializers.DealTermsInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.deal_update_terms(actor=request.user, deal=deal, terms=serializer.validated_data)
        return self._detail_response(deal.pk)

    @extend_schema(
        summary="Confirm the terms",
        description=(
            "Records your side's confirmation of the terms at `terms_version` (the version you read). When "
            "both sides have confirmed, the deal is signed — unless the listing's publicity runs or an "
            "objection is open (400 `signing_blocked`), or the listing's transaction mode (转让, 独占许可, "
            "排他许可, 作价投资) takes one deal and another signed deal holds it (400 `listing_taken`); "
            "nothing changes then. Terms changed since `terms_version`: 409 `terms_changed` with what "
            "changed, nothing recorded."
        ),
        request=serializers.DealConfirmInputSerializer,
        responses={
            200: serializers.DealSerializer,
            404: _NOT_FOUND,
            409: stale_version_response(
                "The terms changed since the version you confirmed (`terms_changed`); `changes` lists "
                "what changed. Nothing was recorded."
            ),
        },
        tags=["deals"],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request, pk=None):
        deal = self._deal(pk)
        require(request.user, "market.negotiate_deal", deal)
        serializer = serializers.DealConfirmInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.deal_confirm(
            actor=request.user, deal=deal, terms_version=serializer.validated_data["terms_version"]
        )
        return self._detail_response(deal.pk)

    @_deal_schema(
        "Cancel a deal",
        "Under negotiation, signed but not yet submitted for registration, or refused registration "
        "(未予登记) and given up; the reason is required. A signed deal that ends frees its listing.",
        request=serializers.ReasonInputSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None):
        deal = self._deal(pk)
        require(request.user, "market.negotiate_deal", deal)
        serializer = serializers.ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.deal_cancel(actor=request.user, deal=deal, reason=serializer.validated_data["reason"])
        return self._detail_response(deal.pk)

    @extend_schema(
        summary="Engage a broker",
        description=(
            "A party engages a user who holds a broker membership as 居间, 行纪 or 代理 with a commission "
            "agreement; not after registration."
        ),
        request=serializers.BrokerEngageInputSerializer,
        responses={201: serializers.DealSerializer, 404: _NOT_FOUND},
        tags=["deals"],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def brokers(self, request, pk=None):
        deal = self._deal(pk)
        require(request.user, "market.negotiate_deal", deal)
        serializer = serializers.BrokerEngageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.broker_engage(actor=request.user, deal=deal, **serializer.validated_data)
        return self._detail_response(deal.pk, status.HTTP_201_CREATED)

    @_deal_schema("Release a broker", "A party ends a broker's engagement before registration.")
    @action(
        detail=True,
        methods=["post"],
        url_path="brokers/<int:engagement_pk>/release",
        url_name="broker-release",
        filter_backends=[],
    )
    def broker_release(self, request, pk=None, engagement_pk=None):
        deal = self._deal(pk)
        require(request.user, "market.negotiate_deal", deal)
        engagement = selectors.engagement_get(pk=int(engagement_pk), deal=deal)
        services.broker_release(actor=request.user, engagement=engagement)
        return self._detail_response(deal.pk)
