"""REST API of technology demands (技术需求): the public board, an enterprise's own demands, the
officials' review queue and the workflow actions.

Handlers are thin: they fetch through the selectors (a demand the actor may not see is a 404), check
the rules permission (403) before reading the body, validate an input serializer (400), call one
service and answer with the output serializer. Partner systems read the board with their key.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filters import NamedOrderingFilter
from core.api.permissions import PublicReadOnly
from core.api.schema import ErrorSerializer
from core.permissions import require
from market.api.serializers import demands as serializers
from market.filters.demands import DemandBoardFilterSet, DemandFilterSet
from market.models import Demand
from market.selectors import demands as selectors
from market.services import demands as services

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such demand, or it is not visible to you.")
_TAGS = ["demands"]


_SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["mine", "review"],
    description=(
        "Leave out for the public board (open demands; `include_closed=true` adds closed and expired "
        "ones). `mine`: every demand of the enterprises you work for. `review`: demands waiting for "
        "your decision (officials)."
    ),
)
_SEARCH_PARAMETER = OpenApiParameter(
    "q", OpenApiTypes.STR, description="Chinese full-text search over title, keywords, problem and outcome."
)


def _action_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: serializers.DemandDetailSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )


@extend_schema_view(
    list=extend_schema(
        summary="The technology demand board",
        description=(
            "Open demands for everyone (partner systems included); with `scope`, your enterprise's "
            "demands or your review queue. Filter by the listed parameters, search with `q`, sort with "
            "`ordering`."
        ),
        parameters=[_SCOPE_PARAMETER, _SEARCH_PARAMETER],
        tags=_TAGS,
    ),
)
class DemandViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Technology demands (技术需求 / 难题): posted by enterprises, reviewed by officials, then public."""

    # Anyone may read what is visible to them; every write is authenticated and checked by its rule.
    permission_classes = [PublicReadOnly]
    serializer_class = serializers.DemandSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    ordering_fields = selectors.ORDERINGS
    lookup_value_converter = "int"

    @property
    def filterset_class(self):
        request = getattr(self, "request", None)
        scope = request.query_params.get("scope", "") if request is not None else ""
        return DemandFilterSet if scope in ("mine", "review") else DemandBoardFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Demand.objects.none()
        user = self.request.user
        scope = self.request.query_params.get("scope", "")
        q = self.request.query_params.get("q", "").strip()
        # The filter backend applies the FilterSet and an explicit ``ordering``; the selectors apply
        # visibility, the search and their default order.
        if scope == "":
            return selectors.demand_public_list(actor=user, q=q)
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if scope == "mine":
            return selectors.demand_my_list(actor=user, q=q)
        if scope == "review":
            if not user.has_perm("market.view_demand_review_queue"):
                raise exceptions.PermissionDenied(_("Only officials have a review queue."))
            return selectors.demand_review_queue(actor=user, q=q)
        raise exceptions.ValidationError({"scope": [_("The scope is “mine” or “review”.")]})

    def _demand(self, pk) -> Demand:
        """The demand, if visible to the actor, with what the permission rules read."""
        return get_object_or_404(
            selectors.demand_visible_queryset(actor=self.request.user).select_related("enterprise"), pk=pk
        )

    def _detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        demand = selectors.demand_get(pk=pk, actor=self.request.user)
        data = serializers.DemandDetailSerializer(demand, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="One demand",
        description=(
            "Published and closed demands are public; drafts only for their enterprise; demands in "
            "review for the officials over the enterprise too."
        ),
        responses={200: serializers.DemandDetailSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def retrieve(self, request, pk=None):
        return self._detail_response(pk)

    @extend_schema(
        summary="Post a demand (as a draft)",
        description="For members of the enterprise. The draft is private to the enterprise until published.",
        request=serializers.DemandCreateInputSerializer,
        responses={201: serializers.DemandDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        # Who posts for whom is checked before the rest of the body is read.
        target = serializers.DemandEnterpriseInputSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        enterprise = target.validated_data["enterprise"]
        require(request.user, "market.post_demand_for_organisation", enterprise)
        serializer = serializers.DemandCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("enterprise")
        demand = services.demand_create(actor=request.user, enterprise=enterprise, data=data)
        return self._detail_response(demand.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft or returned demand",
        description="Only the fields sent change.",
        request=serializers.DemandInputSerializer,
        responses={200: serializers.DemandDetailSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def partial_update(self, request, pk=None):
        demand = self._demand(pk)
        require(request.user, "market.change_demand", demand)
        serializer = serializers.DemandInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.demand_update(actor=request.user, demand=demand, data=serializer.validated_data)
        return self._detail_response(demand.pk)

    def _transition(self, request, pk, permission: str, service) -> Response:
        demand = self._demand(pk)
        require(request.user, permission, demand)
        service(actor=request.user, demand=demand)
        return self._detail_response(demand.pk)

    @_action_schema(
        "Submit a demand for review",
        "Sends a draft or returned demand to the officials over the enterprise; the answer-by date must "
        "still be in the future.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._transition(request, pk, "market.change_demand", services.demand_submit)

    @_action_schema(
        "Publish a submitted demand",
        "For officials whose jurisdiction covers the enterprise; the demand appears on the public board.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._transition(request, pk, "market.review_demand", services.demand_approve)

    @_action_schema(
        "Return a submitted demand with reasons",
        "For officials whose jurisdiction covers the enterprise; the reason is required.",
        request=serializers.DemandReturnInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_(self, request, pk=None):
        demand = self._demand(pk)
        require(request.user, "market.review_demand", demand)
        serializer = serializers.DemandReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.demand_return(actor=request.user, demand=demand, reason=serializer.validated_data["reason"])
        return self._detail_response(demand.pk)

    @_action_schema(
        "Close a demand",
        "The enterprise closes its demand at any time; an official over it may close it with a reason.",
        request=serializers.DemandCloseInputSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        demand = self._demand(pk)
        if not (
            request.user.has_perm("market.change_demand", demand)
            or request.user.has_perm("market.review_demand", demand)
        ):
            raise exceptions.PermissionDenied()
        serializer = serializers.DemandCloseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.demand_close(actor=request.user, demand=demand, reason=serializer.validated_data["reason"])
        return self._detail_response(demand.pk)
