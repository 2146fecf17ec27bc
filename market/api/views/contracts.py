"""REST API of contract registration (技术合同认定登记), the disclosure board (成交公示) and the
registration rule sets.

Handlers are thin: they fetch through the selectors (a contract the actor may not see is a 404), check
the rules permission (403) before reading the body, validate an input serializer (400), call one
service and answer with the output serializer. The disclosure board and the rule sets are public, so
partner systems read them too.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.api.filters import NamedOrderingFilter
from core.api.schema import ErrorSerializer, stale_version_response
from core.permissions import require
from institutions.models import Organisation
from market import rules as market_rules
from market.api.serializers import contracts as serializers
from market.filters.contracts import ContractFilterSet, DisclosureFilterSet
from market.models import ContractRegistration, RegistrationRuleSet
from market.selectors import contracts as selectors
from market.services import contracts as services

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or it is not visible to you.")
_TAGS = ["contract registration"]

_SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["queue"],
    description="Leave out for every contract you may see. `queue`: contracts submitted to your "
    "registration body (registrars), narrowed by `tab`.",
)
_TAB_PARAMETER = OpenApiParameter(
    "tab",
    OpenApiTypes.STR,
    enum=list(selectors.QUEUE_TABS),
    description="With `scope=queue`: waiting (default; overdue ones included), overdue, registered, refused.",
)


def _action_schema(summary: str, description: str, request=None, conflict: str = ""):
    responses = {200: serializers.ContractSerializer, 404: _NOT_FOUND}
    if conflict:
        responses[409] = stale_version_response(conflict)
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=responses,
        tags=_TAGS,
    )


def _require_decider(user, contract) -> None:
    """The registrar may decide on ``contract`` and is independent of it, checked before the request's
    body is read: a registrar who may not decide gets the coded 403, not a complaint about the form."""
    require(user, "market.register_contract", contract)
    market_rules.require_independent(market_rules.contract_registration_refusal(user, contract))


@extend_schema_view(
    list=extend_schema(
        summary="Registration forms you may see",
        description="As a party, a broker on the deal, a registrar of the body it was submitted to, or an "
        "official over the seller. With `scope=queue`, a registrar's queue.",
        parameters=[_SCOPE_PARAMETER, _TAB_PARAMETER],
        tags=_TAGS,
    ),
)
class ContractViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Registration forms of signed deals: prepared and submitted by the seller, decided by a registrar."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.ContractSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = ContractFilterSet
    ordering_fields = selectors.CONTRACT_ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContractRegistration.objects.none()
        user = self.request.user
        scope = self.request.query_params.get("scope", "")
        if scope == "":
            return selectors.contract_list(actor=user)
        if scope == "queue":
            if not user.has_perm("market.view_registration_queue"):
                raise exceptions.PermissionDenied(_("Only registrars have a registration queue."))
            return selectors.registration_queue(actor=user, tab=self.request.query_params.get("tab", ""))
        raise exceptions.ValidationError({"scope": [_("The scope is “queue” or left out.")]})

    def _response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        contract = selectors.contract_get(pk=pk, actor=self.request.user)
        data = serializers.ContractSerializer(contract, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="One registration form", responses={200: serializers.ContractSerializer}, tags=_TAGS
    )
    def retrieve(self, request, pk=None):
        return self._response(pk)

    @extend_schema(
        summary="Open a registration form: of a signed deal, or of a contract made off the platform",
        description='With `{"deal": id}`: for the seller of an agreed (or refused) deal; the form is '
        "pre-filled from the deal and the parties' profiles, and calling it again returns the existing form "
        "(200). Otherwise the whole form of a contract made off the platform: `applicant` (your organisation, "
        "the seller side; partner systems: an organisation whose member the key's account is), the JJ-001 "
        "fields and the `buyer` of any kind. Either way the form goes to the registration body of the "
        "applicant's locality (a seller in Sichuan); every problem is reported at once, by field "
        "(`buyer_credit_code`…). Identity numbers are always returned masked.",
        request=PolymorphicProxySerializer(
            component_name="ContractCreateInput",
            serializers=[serializers.ContractPrepareInputSerializer, serializers.ContractOpenInputSerializer],
            resource_type_field_name=None,
        ),
        responses={201: serializers.ContractSerializer, 200: serializers.ContractSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def create(self, request):
        # a body that is not an object (``null``, a list…) is refused by the serializer as a 400
        if not isinstance(request.data, dict) or "deal" not in request.data:
            return self._open(request)
        target = serializers.ContractPrepareInputSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        deal = selectors.deal_for_contract(pk=target.validated_data["deal"], actor=request.user)
        require(request.user, "market.manage_contract", deal)
        existed = selectors.contract_of_deal(deal=deal) is not None
        contract = services.contract_prepare(actor=request.user, deal=deal)
        return self._response(contract.pk, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def _open(self, request) -> Response:
        serializer = serializers.ContractOpenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        applicant = Organisation.objects.filter(pk=arguments["data"].pop("applicant"), is_active=True).first()
        if applicant is None:
            raise exceptions.ValidationError({"applicant": [_("No such organisation.")]})
        contract = services.contract_open(
            actor=request.user,
            applicant=applicant,
            data=arguments["data"],
            buyer=arguments["parties"]["buyer"],
        )
        return self._response(contract.pk, status.HTTP_201_CREATED)

    def _contract(self, pk) -> ContractRegistration:
        return selectors.contract_get(pk=pk, actor=self.request.user)

    @extend_schema(
        summary="Change the registration form",
        description="While the form is being prepared or was refused registration. The technical amount "
        "follows the contract amount and the non-technical costs. `buyer` (and, for a paper application, "
        "`seller`) replace the parties of a contract made off the platform.",
        request=serializers.ContractInputSerializer,
        responses={200: serializers.ContractSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    def partial_update(self, request, pk=None):
        contract = self._contract(pk)
        require(request.user, "market.manage_contract", contract)
        serializer = serializers.ContractInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_update(actor=request.user, contract=contract, **serializer.service_arguments())
        return self._response(contract.pk)

    @_action_schema(
        "Attach the signed contract",
        "A PDF, PNG or JPEG (recognised by its content) up to the size limit; replaces an earlier file.",
        request={"multipart/form-data": serializers.ContractFileInputSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attach-file",
        parser_classes=[MultiPartParser],
        filter_backends=[],
    )
    def attach_file(self, request, pk=None):
        contract = self._contract(pk)
        require(request.user, "market.manage_contract", contract)
        serializer = serializers.ContractFileInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_attach_file(
            actor=request.user, contract=contract, uploaded_file=serializer.validated_data["file"]
        )
        return self._response(contract.pk)

    @_action_schema(
        "Submit for registration",
        "The seller sends the form to the registration body. Every problem under the rules in force is "
        "reported at once, by field; a late application is flagged to the registrar, not refused.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        contract = self._contract(pk)
        require(request.user, "market.manage_contract", contract)
        services.contract_submit(actor=request.user, contract=contract)
        return self._response(contract.pk)

    @extend_schema(
        summary="Read a natural person's full identity number",
        description="For platform admins and the registrars of the contract's body; every reading is recorded "
        "in the audit log (`id_number.revealed`). Everywhere else the number is masked.",
        request=serializers.RevealInputSerializer,
        responses={200: serializers.RevealedIdNumberSerializer, 404: _NOT_FOUND},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="reveal-id-number", filter_backends=[])
    def reveal_id_number(self, request, pk=None):
        contract = self._contract(pk)
        require(request.user, "market.reveal_id_number", contract)
        serializer = serializers.RevealInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        side = serializer.validated_data["side"]
        number = services.contract_reveal_id_number(actor=request.user, contract=contract, side=side)
        return Response({"side": side, "id_number": number})

    @_action_schema(
        "Register the contract",
        "For registrars of the body it was submitted to. Optionally corrects the category, the sub-type, "
        "the non-technical costs or the technical amount; assigns the 16-digit number and starts the "
        "disclosure period. `version` is the form's `version` you reviewed: if the applicant changed the "
        "form since, nothing is registered (409 `form_changed`, with what changed).",
        request=serializers.ContractRegisterInputSerializer,
        conflict="The applicant changed the form since the version you reviewed (`form_changed`); "
        "`changes` lists what changed. Nothing was registered.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def register(self, request, pk=None):
        contract = self._contract(pk)
        _require_decider(request.user, contract)
        serializer = serializers.ContractRegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_register(actor=request.user, contract=contract, **serializer.validated_data)
        return self._response(contract.pk)

    @_action_schema(
        "Refuse registration (未予登记)",
        "For registrars of the body it was submitted to, with one of the coded reasons; `other` needs a "
        "note. The seller may correct the form and submit again.",
        request=serializers.ContractRejectInputSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        contract = self._contract(pk)
        _require_decider(request.user, contract)
        serializer = serializers.ContractRejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contract_reject(actor=request.user, contract=contract, **serializer.validated_data)
        return self._response(contract.pk)


@extend_schema_view(
    list=extend_schema(
        summary="The disclosure board (成交公示)",
        description="Registered deals during their disclosure period. The technical amount is shown only "
        "when both parties agreed.",
        tags=["disclosures"],
    ),
    retrieve=extend_schema(
        summary="One disclosed deal",
        description="404 outside its disclosure period.",
        responses={200: serializers.DisclosureSerializer, 404: _NOT_FOUND},
        tags=["disclosures"],
    ),
)
class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public: anyone, partner systems included, may read the board."""

    permission_classes = [AllowAny]
    serializer_class = serializers.DisclosureSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = DisclosureFilterSet
    ordering_fields = selectors.DISCLOSURE_ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContractRegistration.objects.none()
        return selectors.disclosure_list()

    def get_object(self):
        return selectors.disclosure_get(pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(summary="Registration rule sets, newest first", tags=["contract registration"]),
    retrieve=extend_schema(summary="One registration rule set", tags=["contract registration"]),
)
class RegistrationRuleSetViewSet(viewsets.ReadOnlyModelViewSet):
    """The versions of the registration rules (DOMAIN §2.1), by their code; public reference data."""

    permission_classes = [AllowAny]
    serializer_class = serializers.RegistrationRuleSetSerializer
    filter_backends = []
    lookup_field = "code"
    lookup_value_converter = "slug"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RegistrationRuleSet.objects.none()
        return selectors.rule_set_list()
