"""REST API of listings (挂牌), their publicity (公示) and objections (异议).

Handlers are thin: they fetch through the selectors (what the actor may not see is a 404), check the
rules permission (403) before reading the request body, validate an input serializer (400), call one
service and answer with an output serializer. Partner systems call the same endpoints with their key;
the rules let a partner list for the institutions it is linked to.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.api.filters import NamedOrderingFilter
from core.api.schema import ErrorSerializer
from core.permissions import require
from market.api.serializers import listings as serializers
from market.filters.listings import ListingFilterSet, ObjectionFilterSet
from market.models import Listing, ListingObjection
from market.selectors import listings as selectors
from market.services import listings as services

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or it is not visible to you.")


_SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["mine"],
    description=(
        "Leave out for the public market (in publicity, listed, in a deal, sold). `mine`: every listing "
        "of the institutions you work for or are linked to, in any status."
    ),
)
_SEARCH_PARAMETER = OpenApiParameter(
    "q", OpenApiTypes.STR, description="Chinese full-text search over title, keywords and summary."
)


def _action_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: serializers.ListingSerializer, 404: _NOT_FOUND},
        tags=["listings"],
    )


def _listing_input(validated: dict) -> dict:
    data = dict(validated)
    data.pop("institution", None)
    data.pop("achievement", None)
    if "contact_email" in data and data["contact_email"] is None:
        data["contact_email"] = ""
    return data


@extend_schema_view(
    list=extend_schema(
        summary="The technology market",
        description=(
            "Listings in publicity, listed, in a deal or sold, for everyone; with `scope=mine`, your own. "
            "Filter by the listed parameters, search with `q`, sort with `ordering`."
        ),
        parameters=[_SCOPE_PARAMETER, _SEARCH_PARAMETER],
        tags=["listings"],
    ),
)
class ListingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Technologies offered on the market (挂牌), with their publicity period (公示)."""

    serializer_class = serializers.ListingSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = ListingFilterSet
    ordering_fields = selectors.ORDERINGS
    lookup_value_converter = "int"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Listing.objects.none()
        user = self.request.user
        scope = self.request.query_params.get("scope", "")
        q = self.request.query_params.get("q", "").strip()
        if scope not in ("", "mine"):
            raise exceptions.ValidationError({"scope": [_("The scope is “mine” or left out.")]})
        if scope == "mine" and not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        return selectors.listing_api_list(actor=user, scope=scope, q=q)

    def _listing(self, pk) -> Listing:
        return selectors.listing_get(pk=pk, actor=self.request.user)

    def _detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        listing = self._listing(pk)
        data = serializers.ListingSerializer(listing, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="One listing",
        description="Drafts are visible to the seller only; withdrawn and expired listings to the seller "
        "and the officials over it.",
        responses={200: serializers.ListingSerializer, 404: _NOT_FOUND},
        tags=["listings"],
    )
    def retrieve(self, request, pk=None):
        return self._detail_response(pk)

    @extend_schema(
        summary="Create a listing (as a draft)",
        description=(
            "For members of the institution and partner systems linked to it. From a published achievement "
            "of the institution (its title, summary, keywords, field, TRL and region are the defaults), or "
            "without one for a technical service or consulting offered by a technology-transfer institution."
        ),
        request=serializers.ListingCreateInputSerializer,
        responses={201: serializers.ListingSerializer},
        tags=["listings"],
    )
    def create(self, request):
        target = serializers.ListingInstitutionInputSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        institution = target.validated_data["institution"]
        require(request.user, "market.list_for_organisation", institution)
        serializer = serializers.ListingCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = services.listing_create(
            actor=request.user,
            institution=institution,
            data=_listing_input(serializer.validated_data),
            achievement=serializer.validated_data.get("achievement"),
        )
        return self._detail_response(listing.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft listing",
        description="Only the fields sent change; `brokers`, when sent, replaces the list.",
        request=serializers.ListingInputSerializer,
        responses={200: serializers.ListingSerializer, 404: _NOT_FOUND},
        tags=["listings"],
    )
    def partial_update(self, request, pk=None):
        listing = self._listing(pk)
        require(request.user, "market.change_listing", listing)
        serializer = serializers.ListingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.listing_update(
            actor=request.user, listing=listing, data=_listing_input(serializer.validated_data)
        )
        return self._detail_response(listing.pk)

    @_action_schema(
        "Publish a draft listing",
        "Starts the publicity period (公示); the officials over the seller are told. No deal can be signed "
        "until it has closed with no objection open.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        listing = self._listing(pk)
        require(request.user, "market.change_listing", listing)
        services.listing_publish(actor=request.user, listing=listing)
        return self._detail_response(listing.pk)

    @_action_schema(
        "Withdraw a listing",
        "The seller, any time before it is in a deal or sold; or an official over the seller, with a "
        "reason (required) the seller is told.",
        request=serializers.WithdrawInputSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        listing = self._listing(pk)
        if not (
            request.user.has_perm("market.change_listing", listing)
            or request.user.has_perm("market.moderate_listing", listing)
        ):
            raise exceptions.PermissionDenied()
        serializer = serializers.WithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.listing_withdraw(
            actor=request.user, listing=listing, reason=serializer.validated_data["reason"]
        )
        return self._detail_response(listing.pk)

    @extend_schema(
        methods=["GET"],
        summary="Objections to a listing",
        description="For the seller, the officials over it and platform admins.",
        responses={200: serializers.ObjectionSerializer(many=True), 404: _NOT_FOUND},
        tags=["objections"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Object to a listing in publicity",
        description="Anyone signed in except the seller, while the publicity runs; reasons of at least 10 "
        "characters. The officials over the seller and the seller are told.",
        request=serializers.ObjectionInputSerializer,
        responses={201: serializers.ObjectionSerializer, 404: _NOT_FOUND},
        tags=["objections"],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def objections(self, request, pk=None):
        listing = self._listing(pk)
        if request.method == "POST":
            require(request.user, "market.file_objection", listing)
            serializer = serializers.ObjectionInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            objection = services.objection_file(
                actor=request.user, listing=listing, reasons=serializer.validated_data["reasons"]
            )
            objection = selectors.objection_get(pk=objection.pk, actor=request.user)
            data = serializers.ObjectionSerializer(objection, context=self.get_serializer_context()).data
            return Response(data, status=status.HTTP_201_CREATED)
        if not selectors.may_see_objections(request.user, listing):
            raise exceptions.PermissionDenied()
        page = self.paginate_queryset(selectors.listing_objections(actor=request.user, listing=listing))
        data = serializers.ObjectionSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


@extend_schema_view(
    list=extend_schema(
        summary="Objections",
        description="Objections over sellers in your jurisdiction (officials; all for platform admins) and "
        "the ones you filed.",
        tags=["objections"],
    ),
    retrieve=extend_schema(
        summary="One objection",
        responses={200: serializers.ObjectionSerializer, 404: _NOT_FOUND},
        tags=["objections"],
    ),
)
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections (异议) filed during listings' publicity, and their resolution by officials."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ObjectionSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = ObjectionFilterSet
    ordering_fields = selectors.OBJECTION_ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ListingObjection.objects.none()
        return selectors.objection_list(actor=self.request.user)

    @extend_schema(
        summary="Resolve an open objection",
        description="For officials over the seller. Upheld: the listing is withdrawn with the resolution as "
        "reason. Dismissed: the listing stays (and is listed if its publicity has ended with no other "
        "objection open).",
        request=serializers.ResolveInputSerializer,
        responses={200: serializers.ObjectionSerializer, 404: _NOT_FOUND},
        tags=["objections"],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request, pk=None):
        objection = selectors.objection_get(pk=pk, actor=request.user)
        require(request.user, "market.resolve_objection", objection)
        serializer = serializers.ResolveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.objection_resolve(actor=request.user, objection=objection, **serializer.validated_data)
        objection = selectors.objection_get(pk=pk, actor=request.user)
        return Response(self.get_serializer(objection).data)
