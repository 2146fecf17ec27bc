"""REST API of supply–demand matches (供需匹配): the matches recommended for a demand or a listing,
the caller's inbox, one match, and the feedback each party gives.

Matches are private to the two parties (members and brokers of the demand's enterprise and of the
offer's institution, the listing's brokers) and the officials over either. Who may see a demand or a
listing but not its matches (another enterprise, an official elsewhere) gets an empty list; a match
they may not see is a 404. Partner systems never see matches: a partner key gets a 403 on every
endpoint here. Handlers are thin: they fetch through the selectors, check who may judge (403) before
reading the body, validate an input serializer (400) and call one service.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import PartnerAPIKey
from core.api.schema import ErrorSerializer
from market.api.serializers import matching as serializers
from market.models import Listing, Match
from market.selectors import demands as demand_selectors
from market.selectors import matching as selectors
from market.services import matching as services

_TAGS = ["matches"]
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such match, or it is not visible to you.")
_FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Partner systems do not see matches: they are private to the two parties."
)
_PRIVACY = (
    " Matches are private to the two parties (members and brokers of either side) and the officials "
    "over either; partner systems get a 403."
)


class PartiesOnly(permissions.IsAuthenticated):
    """Signed-in people only: a partner system's key is refused, since matches are not public data."""

    message = _("Partner systems cannot see matches; they are private to the two parties.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and not isinstance(request.auth, PartnerAPIKey)


class _MatchListMixin:
    permission_classes = [PartiesOnly]
    serializer_class = serializers.MatchSerializer
    filter_backends = []

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(selectors.with_sides(page, actor=request.user), many=True).data
        return self.get_paginated_response(data)


_RECORD_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(
    summary="The offers recommended for a demand",
    description=(
        "Listings and unlisted achievements that answer the demand (推荐匹配), best first; those the "
        "demand's side judged not relevant are left out. An empty list for readers of the demand who "
        "are neither a party nor an official over one." + _PRIVACY
    ),
    parameters=[_RECORD_ID],
    responses={
        200: serializers.MatchSerializer(many=True),
        403: _FORBIDDEN,
        404: OpenApiResponse(ErrorSerializer, description="No such demand, or it is not visible to you."),
    },
    tags=_TAGS,
)
class DemandMatchListView(_MatchListMixin, generics.ListAPIView):
    """The offers recommended for one demand (the demand's 推荐匹配 panel)."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        actor = self.request.user
        demand = get_object_or_404(
            demand_selectors.demand_visible_queryset(actor=actor), pk=self.kwargs["id"]
        )
        return selectors.match_list_for_demand(actor=actor, demand=demand)


@extend_schema(
    summary="The demands recommended for a listing",
    description=(
        "Published demands the listing answers, best first; those the seller's side judged not "
        "relevant are left out. An empty list for readers of the listing who are neither a party nor "
        "an official over one." + _PRIVACY
    ),
    parameters=[_RECORD_ID],
    responses={
        200: serializers.MatchSerializer(many=True),
        403: _FORBIDDEN,
        404: OpenApiResponse(ErrorSerializer, description="No such listing, or it is not visible to you."),
    },
    tags=_TAGS,
)
class ListingMatchListView(_MatchListMixin, generics.ListAPIView):
    """The demands recommended for one listing."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        actor = self.request.user
        listing = get_object_or_404(Listing.objects.visible_to(actor), pk=self.kwargs["id"])
        return selectors.match_list_for_listing(actor=actor, listing=listing)


@extend_schema_view(
    list=extend_schema(
        summary="My matches",
        description=(
            "The matches of your own records (匹配收件箱): offers for your enterprise's demands and "
            "demands for your institution's listings and achievements and the listings you broker; best "
            "first, without those your side judged not relevant. Officials watch matches through the "
            "demands and listings they oversee; their inbox is empty." + _PRIVACY
        ),
        parameters=[serializers.MatchInboxQuerySerializer],
        responses={200: serializers.MatchSerializer(many=True), 403: _FORBIDDEN},
        tags=_TAGS,
    ),
    retrieve=extend_schema(
        summary="One match",
        description="For the two parties and the officials over either." + _PRIVACY,
        responses={200: serializers.MatchSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
        tags=_TAGS,
    ),
)
class MatchViewSet(_MatchListMixin, viewsets.GenericViewSet):
    """Matches between demands and offers, found by the matching engine and judged by the parties."""

    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        query = serializers.MatchInboxQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.match_inbox(
            actor=self.request.user,
            side=query.validated_data["side"],
            minimum_score=query.validated_data["min_score"],
        )

    def retrieve(self, request, pk=None):
        match = selectors.match_get(actor=request.user, pk=pk)
        return Response(self.get_serializer(selectors.with_sides([match], actor=request.user)[0]).data)

    @extend_schema(
        summary="Judge a match",
        description=(
            "For the two parties: each side gives one verdict, and a later one replaces it. `useful`, or "
            "`not_relevant` with a `reason` (then the match is hidden from your side). Officials and "
            "admins watch but do not judge (403)." + _PRIVACY
        ),
        request=serializers.MatchFeedbackInputSerializer,
        responses={
            200: serializers.MatchFeedbackSerializer,
            403: OpenApiResponse(
                ErrorSerializer, description="You are not a party of the match, or a partner system."
            ),
            404: _NOT_FOUND,
        },
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def feedback(self, request, pk=None):
        match = selectors.match_get(actor=request.user, pk=pk)
        if services.match_side_of(actor=request.user, match=match) is None:
            raise exceptions.PermissionDenied(_("Only the two parties of a match can give feedback on it."))
        serializer = serializers.MatchFeedbackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.match_feedback(actor=request.user, match=match, **serializer.validated_data)
        return Response(serializers.MatchFeedbackSerializer(feedback, context={"match": match}).data)
