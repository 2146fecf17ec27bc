"""REST API of the Excel import and export of achievements.

Uploading stores the workbook and checks it in the background; the caller polls the batch for its
progress and per-cell errors, then confirms to import the valid rows as drafts. Only members of the
uploading institution (and its partner systems) see a batch. The export answers with an .xlsx of the
same list the achievements API gives for the same query.
"""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from achievements import exporting, importing
from achievements.api.serializers import imports as import_serializers
from achievements.filters import AchievementFilterSet
from achievements.selectors import filings as selectors
from achievements.selectors import imports as import_selectors
from achievements.services import imports as import_services
from core.api.schema import ErrorSerializer

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such import, or it is not visible to you.")
_XLSX = {(200, importing.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}


class _AnyAcceptMixin:
    """Files are answered whatever the Accept header asks for; errors still come back as JSON."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class AchievementImportViewSet(_AnyAcceptMixin, viewsets.GenericViewSet):
    """Excel imports of achievements (批量导入): upload, check, preview, confirm."""

    permission_classes = [IsAuthenticated]
    serializer_class = import_serializers.ImportBatchSerializer
    filter_backends = []
    lookup_value_converter = "int"

    def _batch_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        batch = import_selectors.import_batch_get(pk=pk, actor=self.request.user)
        data = import_serializers.ImportBatchSerializer(batch, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="Upload a filled-in template",
        description=(
            "Stores the workbook and checks every row in the background. Poll the import for its "
            "progress; when its status is `validated` it lists each bad cell and the valid rows."
        ),
        request={"multipart/form-data": import_serializers.ImportBatchInputSerializer},
        responses={201: import_serializers.ImportBatchSerializer},
        tags=["achievement imports"],
    )
    def create(self, request):
        serializer = import_serializers.ImportBatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = import_services.import_batch_create(
            actor=request.user,
            institution=serializer.validated_data["institution"],
            uploaded_file=serializer.validated_data["file"],
        )
        return self._batch_response(batch.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="An import's progress, errors and counts",
        responses={200: import_serializers.ImportBatchSerializer, 404: _NOT_FOUND},
        tags=["achievement imports"],
    )
    def retrieve(self, request, pk=None):
        return self._batch_response(pk)

    @extend_schema(
        summary="Confirm an import",
        description="Imports the valid rows of a checked import as drafts, all in one transaction.",
        request=None,
        responses={202: import_serializers.ImportBatchSerializer, 404: _NOT_FOUND},
        tags=["achievement imports"],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = import_selectors.import_batch_get(pk=pk, actor=request.user)
        import_services.import_batch_confirm(actor=request.user, batch=batch)
        return self._batch_response(batch.pk, status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download the import template",
        description="The .xlsx template with Chinese headers, drop-downs, the 说明 and 选项 sheets.",
        responses=_XLSX,
        tags=["achievement imports"],
    )
    @action(detail=False, methods=["get"])
    def template(self, request):
        response = HttpResponse(import_services.import_template(), content_type=importing.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "科技成果导入模板.xlsx")
        return response

    def get_parsers(self):
        if getattr(self, "action", None) == "create":
            return [MultiPartParser()]
        return super().get_parsers()


class AchievementExportView(_AnyAcceptMixin, APIView):
    """The achievement list as .xlsx: the same filters, search and scope as the achievements list."""

    permission_classes = [AllowAny]  # the public database is public; other scopes check below

    @extend_schema(
        summary="Export achievements to Excel",
        description=(
            "Takes the achievements list's filters, `q`, `ordering` and `scope` (blank: the public "
            "database; `mine`: your institutions' filings; `review`: an official's queue)."
        ),
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.STR, enum=["mine", "review"]),
            OpenApiParameter("q", OpenApiTypes.STR, description="Chinese full-text search."),
            OpenApiParameter("ordering", OpenApiTypes.STR, enum=list(selectors.ORDERINGS)),
            *(OpenApiParameter(name, OpenApiTypes.STR) for name in AchievementFilterSet.base_filters),
        ],
        responses={
            **_XLSX,
            400: OpenApiResponse(ErrorSerializer, description="An unknown scope."),
        },
        tags=["achievements"],
    )
    def get(self, request):
        scope = request.query_params.get("scope", "")
        if scope not in ("", "mine", "review"):
            raise exceptions.ValidationError({"scope": [_("The scope is “mine” or “review”.")]})
        if scope and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if scope == "review" and not exporting.has_review_queue(request.user):
            raise exceptions.PermissionDenied(_("Only officials have a review queue."))
        achievements = exporting.achievement_export_list(
            actor=request.user,
            scope=scope,
            filters=exporting.list_filters(request.query_params),
            q=request.query_params.get("q", "").strip(),
            ordering=request.query_params.get("ordering", ""),
        )
        return exporting.export_response(achievements, actor=request.user, scope=scope)
