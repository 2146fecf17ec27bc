"""REST API of the registration import and the JJ-001 export.

``POST /contract-imports/`` (multipart) stores the workbook and answers 202 with the import; the caller
polls ``GET /contract-imports/{id}/`` for its progress, counts and per-cell errors. Only the registrars
of the body (and platform admins) import for it or see its imports. ``GET /contracts/export/`` answers
the contracts the caller may see, with the contract list's filters, as .xlsx in the JJ-001 layout.
"""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from core.spreadsheets import XLSX_CONTENT_TYPE
from market.api.serializers import contract_imports as serializers
from market.filters.contracts import ContractFilterSet
from market.models import ContractRegistration
from market.selectors import contract_imports as selectors
from market.selectors.contracts import QUEUE_TABS
from market.services import contract_imports as services

_TAGS = ["contract registration imports"]
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such import, or it is not visible to you.")
_XLSX = {(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}


class _AnyAcceptMixin:
    """Files are answered whatever the Accept header asks for; errors still come back as JSON."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


class ContractImportViewSet(_AnyAcceptMixin, viewsets.GenericViewSet):
    """Imports of a registration body's historical registrations (JJ-001 workbooks)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ContractImportSerializer
    filter_backends = []
    lookup_value_converter = "int"

    def _response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        record = selectors.contract_import_get(pk=pk, actor=self.request.user)
        return Response(serializers.ContractImportSerializer(record).data, status=status_code)

    @extend_schema(
        summary="Upload a workbook of registrations",
        description=(
            "Stores the workbook (.xlsx in the JJ-001 layout) and imports it in the background. A file "
            "that is not a real workbook, or holds macros, is refused at once (400). Poll the import "
            "for its progress, counts and per-cell errors."
        ),
        request={"multipart/form-data": serializers.ContractImportInputSerializer},
        responses={
            202: serializers.ContractImportSerializer,
            400: OpenApiResponse(ErrorSerializer, description="No file, not an .xlsx, or an unknown body."),
            403: OpenApiResponse(ErrorSerializer, description="You are not a registrar of that body."),
        },
        tags=_TAGS,
    )
    def create(self, request):
        serializer = serializers.ContractImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.contract_import_create(
            actor=request.user,
            registration_body=serializer.validated_data["registration_body"],
            uploaded_file=serializer.validated_data["file"],
        )
        return self._response(record.pk, status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="An import's progress, counts and errors",
        responses={200: serializers.ContractImportSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def retrieve(self, request, pk=None):
        return self._response(pk)

    @extend_schema(
        summary="Download the import template",
        description="The .xlsx template: JJ-001 headers, drop-downs, the 说明 and 选项 sheets.",
        responses=_XLSX,
        tags=_TAGS,
    )
    @action(detail=False, methods=["get"])
    def template(self, request):
        response = HttpResponse(selectors.contract_import_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "技术合同登记导入模板.xlsx")
        return response

    def get_parsers(self):
        if getattr(self, "action", None) == "create":
            return [MultiPartParser()]
        return super().get_parsers()


class ContractExportView(_AnyAcceptMixin, APIView):
    """The contracts the caller may see as .xlsx in the JJ-001 layout, for reporting upward."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Export contracts in the JJ-001 layout",
        description=(
            "Takes the contract list's filters (registrars: their body's contracts; officials: their "
            "jurisdiction's; applicants: their own), or `tab` for a registrar's queue. Formulas are "
            "written as text."
        ),
        parameters=[
            OpenApiParameter("tab", OpenApiTypes.STR, enum=list(QUEUE_TABS)),
            *(OpenApiParameter(name, OpenApiTypes.STR) for name in ContractFilterSet.base_filters),
        ],
        responses={
            **_XLSX,
            400: OpenApiResponse(
                ErrorSerializer, description="An unknown tab or a filter value that is not valid."
            ),
            403: OpenApiResponse(ErrorSerializer, description="A queue's tab asked by a non-registrar."),
        },
        tags=_TAGS,
    )
    def get(self, request):
        tab = request.query_params.get("tab", "")
        if tab and tab not in QUEUE_TABS:
            raise exceptions.ValidationError({"tab": [_("Unknown tab.")]})
        if tab and not request.user.has_perm("market.view_registration_queue"):
            raise exceptions.PermissionDenied(_("Only registrars have a registration queue."))
        # a filter that does not validate is a 400 here, as on the contract list, not an empty workbook
        filterset = ContractFilterSet(request.query_params, queryset=ContractRegistration.objects.none())
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        contracts = selectors.contract_export_list(actor=request.user, filters=request.query_params, tab=tab)
        return selectors.contract_export_workbook(contracts).response(
            filename=selectors.contract_export_filename()
        )
