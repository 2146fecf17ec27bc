"""REST API of the dual-use catalogues (plan clause （十二）).

Published editions are public. Provincial officials and platform admins see drafts (with
``include_drafts=true``), create editions, add and remove entries and publish; a published edition is
frozen, and any change to it is a 400 saying so. Write handlers check the permission first (403, so a
caller who may not act learns nothing more), then fetch through the selectors (404), then call one
service (400 for a broken rule).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from achievements.api.serializers import catalogues as serializers
from achievements.choices import CatalogueKind
from achievements.models import CatalogueEntry
from achievements.selectors import catalogues as catalogue_selectors
from achievements.services import catalogues
from core.api.permissions import PublicReadOnly
from core.api.schema import ErrorSerializer

_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such catalogue, or it is a draft and you may not manage catalogues."
)
_TAGS = ["dual-use catalogues"]
_MANAGERS = "For provincial officials and platform administrators."


def _require_manager(user) -> None:
    if not user.has_perm(catalogues.MANAGE_PERMISSION):
        raise exceptions.PermissionDenied()


def _query_flag(request, name: str) -> bool:
    field = drf_serializers.BooleanField()
    try:
        return field.to_internal_value(request.query_params.get(name, "false"))
    except drf_serializers.ValidationError as error:
        raise exceptions.ValidationError({name: error.detail}) from error


@extend_schema_view(
    list=extend_schema(
        summary="List the dual-use catalogues",
        description=(
            "Published editions of the 军用技术转民用推广目录 and the “民参军”技术与产品推荐目录, newest first. "
            "Managers add drafts (listed first) with `include_drafts=true`; for anyone else it is ignored."
        ),
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=CatalogueKind.values, description="Only this catalogue."
            ),
            OpenApiParameter(
                "include_drafts", OpenApiTypes.BOOL, description="Include drafts (managers only)."
            ),
        ],
        tags=_TAGS,
    ),
)
class CatalogueViewSet(viewsets.GenericViewSet):
    """Editions of the two dual-use catalogues and their entries."""

    permission_classes = [PublicReadOnly]
    serializer_class = serializers.CatalogueSerializer
    filter_backends = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return catalogues.catalogue_overview(actor=self.request.user)

    def _detail_response(self, catalogue, status_code=status.HTTP_200_OK) -> Response:
        catalogue = catalogues.catalogue_get_with_entries(pk=catalogue.pk, actor=self.request.user)
        data = serializers.CatalogueDetailSerializer(catalogue, context={"request": self.request}).data
        return Response(data, status=status_code)

    def list(self, request):
        kind = request.query_params.get("kind", "")
        if kind and kind not in CatalogueKind.values:
            raise exceptions.ValidationError({"kind": [_("Choose one of the two catalogues.")]})
        queryset = catalogues.catalogue_overview(
            actor=request.user, include_drafts=_query_flag(request, "include_drafts")
        )
        if kind:
            queryset = queryset.filter(kind=kind)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            serializers.CatalogueSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="One catalogue edition with its entries",
        description="A draft is visible only to managers.",
        responses={200: serializers.CatalogueDetailSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def retrieve(self, request, pk=None):
        catalogue = catalogues.catalogue_get_with_entries(pk=pk, actor=request.user)
        return Response(serializers.CatalogueDetailSerializer(catalogue, context={"request": request}).data)

    @extend_schema(
        summary="Start a catalogue edition (draft)",
        description=_MANAGERS,
        request=serializers.CatalogueInputSerializer,
        responses={201: serializers.CatalogueDetailSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        _require_manager(request.user)
        serializer = serializers.CatalogueInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        catalogue = catalogues.catalogue_create(actor=request.user, **serializer.validated_data)
        return self._detail_response(catalogue, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft edition",
        description=_MANAGERS + " A published edition cannot be changed.",
        request=serializers.CatalogueInputSerializer(partial=True),
        responses={200: serializers.CatalogueDetailSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def partial_update(self, request, pk=None):
        _require_manager(request.user)
        catalogue = catalogue_selectors.catalogue_get(pk=pk, actor=request.user)
        serializer = serializers.CatalogueInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        catalogue = catalogues.catalogue_update(
            actor=request.user, catalogue=catalogue, data=serializer.validated_data
        )
        return self._detail_response(catalogue)

    @extend_schema(
        summary="Delete a draft edition",
        description=_MANAGERS + " A published edition stays on record.",
        responses={204: None, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def destroy(self, request, pk=None):
        _require_manager(request.user)
        catalogue = catalogue_selectors.catalogue_get(pk=pk, actor=request.user)
        catalogues.catalogue_delete(actor=request.user, catalogue=catalogue)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Add an achievement to a draft edition",
        description=_MANAGERS
        + " Only published dual-use achievements, each once, while the edition is a draft.",
        request=serializers.CatalogueEntryInputSerializer,
        responses={201: serializers.CatalogueEntrySerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="entries")
    def entries(self, request, pk=None):
        _require_manager(request.user)
        catalogue = catalogue_selectors.catalogue_get(pk=pk, actor=request.user)
        serializer = serializers.CatalogueEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = catalogues.catalogue_add_entry(
            actor=request.user, catalogue=catalogue, **serializer.validated_data
        )
        entry = catalogues.catalogue_entry_list(catalogue=catalogue).get(pk=entry.pk)
        entry.catalogue = catalogue  # what its actions read, without a query
        data = serializers.CatalogueEntrySerializer(entry, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove an achievement from a draft edition",
        description=_MANAGERS,
        request=None,
        responses={204: None, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    @action(detail=True, methods=["delete"], url_path="entries/<int:entry_id>", url_name="entry")
    def entry(self, request, pk=None, entry_id=None):
        _require_manager(request.user)
        catalogue = catalogue_selectors.catalogue_get(pk=pk, actor=request.user)
        entry = get_object_or_404(CatalogueEntry.objects.filter(catalogue=catalogue), pk=entry_id)
        entry.catalogue = catalogue
        catalogues.catalogue_remove_entry(actor=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Publish a draft edition",
        description=(
            _MANAGERS + " Needs at least one entry; the date is today unless given and cannot be in the "
            "future. From then on the edition is frozen."
        ),
        request=serializers.CataloguePublishInputSerializer,
        responses={200: serializers.CatalogueDetailSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        _require_manager(request.user)
        catalogue = catalogue_selectors.catalogue_get(pk=pk, actor=request.user)
        serializer = serializers.CataloguePublishInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        catalogue = catalogues.catalogue_publish(
            actor=request.user,
            catalogue=catalogue,
            published_on=serializer.validated_data.get("published_on"),
        )
        return self._detail_response(catalogue)
