"""REST API of a registered contract's life: corrections (变更), cancellation (注销), the second check
(复核), income certification per year (技术性收入核定), the number in the national system, and the
public verification of a registration certificate (技术合同登记证明) by its code."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from core.permissions import require
from market import rules as market_rules
from market.api.serializers import contract_lifecycle as serializers
from market.api.serializers.contracts import ContractSerializer
from market.selectors import contract_lifecycle as lifecycle_selectors
from market.selectors import contracts as selectors
from market.services import contract_lifecycle as services
from market.views.contract_lifecycle import verification_allowed

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or it is not visible to you.")
_TAGS = ["contract registration"]


def _schema(summary: str, description: str, request):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: ContractSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )


class ContractLifecycleViewSet(viewsets.GenericViewSet):
    """What registrars do with a registered contract (actions under /contracts/{id}/)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ContractSerializer
    filter_backends = []
    lookup_value_converter = "int"

    def _registrar_contract(self, pk, *, second_check: bool = False):
        contract = selectors.contract_get(pk=pk, actor=self.request.user)
        require(self.request.user, "market.register_contract", contract)
        refusal = (
            market_rules.contract_second_check_refusal
            if second_check
            else market_rules.contract_registration_refusal
        )
        market_rules.require_independent(refusal(self.request.user, contract))
        return contract

    def _response(self, pk) -> Response:
        contract = selectors.contract_get(pk=pk, actor=self.request.user)
        return Response(ContractSerializer(contract, context={"request": self.request}).data)

    @_schema(
        "Correct a registered contract (变更)",
        "For an independent registrar of its body, with a reason. Send only the fields to change; the "
        "registration rules apply again (0 ≤ technical amount ≤ contract amount). The change is kept as "
        "`{field: [old, new]}` in `amendments` and a new certificate is issued (the former one then "
        "verifies as altered).",
        serializers.AmendInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        contract = self._registrar_contract(pk)
        serializer = serializers.AmendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason")
        services.contract_amend(actor=request.user, contract=contract, data=data, reason=reason)
        return self._response(contract.pk)

    @_schema(
        "Cancel a registration (注销)",
        "For an independent registrar of its body, with a coded reason (`other` needs a note). The contract is "
        "no longer disclosed nor counted; its certificate verifies as cancelled.",
        serializers.CancelInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        contract = self._registrar_contract(pk)
        serializer = serializers.CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_cancel(actor=request.user, contract=contract, **serializer.validated_data)
        return self._response(contract.pk)

    @_schema(
        "Second check (复核) of a contract seeking tax exemption",
        "For a registrar of its body other than the one who registered it (403 `same_registrar`), "
        "independent of the parties. Refusing needs a note.",
        serializers.SecondCheckInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="second-check")
    def second_check(self, request, pk=None):
        contract = self._registrar_contract(pk, second_check=True)
        serializer = serializers.SecondCheckInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.second_check_decide(actor=request.user, contract=contract, **serializer.validated_data)
        return self._response(contract.pk)

    @_schema(
        "Certify the technical income of a year (核定技术性收入)",
        "For an independent registrar of its body, once registered: one certification per year of "
        "performance (between the signing year and the last year of validity, not after this year), the "
        "years together at most the contract amount. `certified_income` is the total; a platform deal is "
        "performed at the first certification.",
        serializers.CertifyIncomeInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="certify-income")
    def certify_income(self, request, pk=None):
        contract = self._registrar_contract(pk)
        serializer = serializers.CertifyIncomeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.income_certify(actor=request.user, contract=contract, **serializer.service_arguments())
        return self._response(contract.pk)

    @_schema(
        "Record the number in the national system",
        "For an independent registrar of its body: the contract's 16-digit number in the national "
        "技术合同管理与服务系统, kept beside the platform's number (never derived from it).",
        serializers.NationalNumberInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="national-number")
    def national_number(self, request, pk=None):
        contract = self._registrar_contract(pk)
        serializer = serializers.NationalNumberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_record_national_number(
            actor=request.user,
            contract=contract,
            national_number=serializer.validated_data["national_number"],
        )
        return self._response(contract.pk)


class CertificateVerificationView(APIView):
    """Public: anyone may check a registration certificate's code (throttled per address)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Verify a registration certificate (技术合同登记证明)",
        description="By the verification code printed on it (dashes and case ignored). `valid`, `altered` "
        "(a correction superseded it; `current` is the registration now) or `cancelled` (注销); an unknown "
        "code is a 404. Natural persons' names are masked. Limited per client address (429).",
        responses={
            200: serializers.CertificateVerificationSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No certificate has this code."),
            429: OpenApiResponse(ErrorSerializer, description="Too many checks from this address."),
        },
        tags=_TAGS,
    )
    def get(self, request, code: str):
        allowed, seconds_left = verification_allowed(request)
        if not allowed:
            raise exceptions.Throttled(wait=seconds_left)
        verification = lifecycle_selectors.certificate_verification(services.normalise_code(code))
        if verification.outcome == lifecycle_selectors.UNKNOWN:
            raise exceptions.NotFound()
        data = serializers.CertificateVerificationSerializer(serializers.verification_data(verification)).data
        response = Response(data, status=status.HTTP_200_OK)
        response["Cache-Control"] = "no-store"
        return response
