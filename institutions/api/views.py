"""REST API of the institution network: regions, classifications, institutions, members,
designations, the audit trail and the signed-in user's roles.

Handlers are thin: they fetch through the selectors (which apply visibility, so an object the actor
may not see is a 404), check the rules permission (403), validate an input serializer (400), call one
service and answer with an output serializer.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import todo
from core.api.filters import NamedOrderingFilter
from core.api.permissions import PublicReadOnly
from core.api.schema import ErrorSerializer
from core.permissions import require
from institutions import rules, services
from institutions.api import serializers
from institutions.choices import DesignationStatus
from institutions.filters import AuditEventFilterSet, OrganisationFilterSet, RegionFilterSet
from institutions.models import AuditEvent, Classification, Membership
from institutions.roles import actor_roles
from institutions.selectors import audit
from institutions.selectors import organisations as selectors

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or it is not visible to you.")


# --- regions and reference data ---------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List regions (GB/T 2260)", tags=["regions"]),
    retrieve=extend_schema(summary="One region", tags=["regions"]),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """China's administrative divisions (GB/T 2260) to county level: the platform's province (Sichuan:
    the province, its 21 cities and their counties) and, for contract counterparties, every other
    province's. ``province`` narrows the list to one province."""

    permission_classes = [AllowAny]
    serializer_class = serializers.RegionSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = RegionFilterSet
    ordering_fields = {"code": ("code",), "-code": ("-code",)}
    lookup_field = "code"

    def get_queryset(self):
        return selectors.region_list(everywhere=True)

    def get_object(self):
        return selectors.region_get(code=self.kwargs["code"], everywhere=True)

    @extend_schema(
        summary="The network under a region",
        description=(
            "The regions directly under this one (the province's cities, a city's counties), each with "
            "the number of visible institutions in it and everything under it."
        ),
        responses={200: serializers.NetworkNodeSerializer(many=True), 404: _NOT_FOUND},
        tags=["regions"],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def children(self, request, code=None):
        region = selectors.region_get(code=code, everywhere=True)
        nodes = selectors.network_children(actor=request.user, region=region)
        return Response(serializers.NetworkNodeSerializer(nodes, many=True).data)


@extend_schema_view(list=extend_schema(summary="List classification entries", tags=["reference data"]))
class ClassificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Current entries of the taxonomies: technology fields, industries, strategic industries, TRL, and
    the code lists of the contract registration form JJ-001 (legal-entity types, customs country codes,
    plan categories, socio-economic goals, trading parties, IP types). Filter by ``scheme``."""

    permission_classes = [AllowAny]
    serializer_class = serializers.ClassificationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["scheme"]

    def get_queryset(self):
        return Classification.objects.filter(is_current=True).select_related("parent")


# --- institutions -----------------------------------------------------------------------------

_SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["jurisdiction"],
    description="`jurisdiction`: only institutions in the signed-in official's jurisdiction.",
)


@extend_schema_view(
    list=extend_schema(
        summary="The institution directory", parameters=[_SCOPE_PARAMETER], tags=["institutions"]
    ),
)
class InstitutionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Organisations on the platform; technology-transfer institutions carry their network place."""

    permission_classes = [PublicReadOnly]
    serializer_class = serializers.OrganisationSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = OrganisationFilterSet
    ordering_fields = selectors.ORGANISATION_ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        scope = self.request.query_params.get("scope", "")
        if scope not in ("", "jurisdiction"):
            raise exceptions.ValidationError({"scope": [_("The only scope is “jurisdiction”.")]})
        return selectors.organisation_list(actor=self.request.user, scope=scope)

    def _organisation(self, pk):
        """The organisation, if visible to the actor, without the directory's joins."""
        return get_object_or_404(selectors.organisation_visible_queryset(actor=self.request.user), pk=pk)

    def _detail_response(self, organisation, status_code=status.HTTP_200_OK) -> Response:
        organisation = selectors.organisation_get(pk=organisation.pk, actor=self.request.user)
        data = serializers.OrganisationDetailSerializer(organisation, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="One institution",
        responses={200: serializers.OrganisationDetailSerializer},
        tags=["institutions"],
    )
    def retrieve(self, request, pk=None):
        organisation = selectors.organisation_get(pk=pk, actor=request.user)
        return Response(
            serializers.OrganisationDetailSerializer(organisation, context={"request": request}).data
        )

    @extend_schema(
        summary="Register an organisation",
        description="Officials register organisations in their jurisdiction; platform admins anywhere.",
        request=serializers.OrganisationInputSerializer,
        responses={201: serializers.OrganisationDetailSerializer},
        tags=["institutions"],
    )
    def create(self, request):
        require(request.user, "institutions.add_organisation")
        serializer = serializers.OrganisationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        service_fields = data.pop("service_fields", None)
        organisation = services.organisation_create(
            actor=request.user, data=data, service_fields=service_fields
        )
        return self._detail_response(organisation, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit an organisation",
        description=(
            "An institution's admin edits its profile; its identity and place (name, credit code, kind, "
            "region, network level, parent, active) are for officials over its region and platform admins."
        ),
        request=serializers.OrganisationInputSerializer(partial=True),
        responses={200: serializers.OrganisationDetailSerializer},
        tags=["institutions"],
    )
    def partial_update(self, request, pk=None):
        organisation = self._organisation(pk)
        require(request.user, "institutions.change_organisation", organisation)
        serializer = serializers.OrganisationInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        service_fields = data.pop("service_fields", None)
        organisation = services.organisation_update(
            actor=request.user, organisation=organisation, data=data, service_fields=service_fields
        )
        return self._detail_response(organisation)

    @extend_schema(
        methods=["GET"],
        summary="Members of an institution",
        description="For the institution's admins, officials over its region and platform admins.",
        responses={200: serializers.MembershipSerializer(many=True), 404: _NOT_FOUND},
        tags=["members"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a member",
        description=(
            "Appointing an official is for officials over the department's region only. Separation of "
            "duties: nobody adds themselves (403 `self_grant`), and the members of a government S&T "
            "department or registration body are appointed by the department above it or a platform "
            "admin (403 `body_above_only`)."
        ),
        request=serializers.MembershipCreateInputSerializer,
        responses={201: serializers.MembershipSerializer},
        tags=["members"],
    )
    @action(detail=True, methods=["get", "post"], permission_classes=[IsAuthenticated], filter_backends=[])
    def members(self, request, pk=None):
        organisation = self._organisation(pk)
        rules.require_manage_members(request.user, organisation)
        if request.method == "POST":
            serializer = serializers.MembershipCreateInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = services.membership_add(
                actor=request.user,
                organisation=organisation,
                user=serializer.validated_data["username"],
                role=serializer.validated_data["role"],
            )
            data = serializers.MembershipSerializer(membership, context={"request": request}).data
            return Response(data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.membership_list(organisation=organisation))
        data = serializers.MembershipSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        methods=["GET"],
        summary="Designations of an institution",
        description="Every designation the institution holds or held, newest first.",
        responses={200: serializers.DesignationSerializer(many=True), 404: _NOT_FOUND},
        tags=["designations"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Grant a demonstration-institution designation",
        description=(
            "City titles by officials of the institution's city, provincial titles by provincial "
            "officials, national titles (decided by the Ministry) recorded by provincial officials with "
            "`decided_by` and `document_number`; platform admins any. A level the caller may not grant "
            "is a 403 with code `designation_level_not_permitted`."
        ),
        request=serializers.DesignationGrantInputSerializer,
        responses={201: serializers.DesignationSerializer},
        tags=["designations"],
    )
    @action(detail=True, methods=["get", "post"], permission_classes=[PublicReadOnly], filter_backends=[])
    def designations(self, request, pk=None):
        organisation = self._organisation(pk)
        if request.method == "POST":
            require(request.user, "institutions.manage_designations", organisation)
            serializer = serializers.DesignationGrantInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            designation = services.designation_grant(
                actor=request.user, organisation=organisation, **serializer.validated_data
            )
            designation = selectors.designation_list(actor=request.user).get(pk=designation.pk)
            data = serializers.DesignationSerializer(designation, context={"request": request}).data
            return Response(data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(
            selectors.designation_list(actor=request.user, organisation=organisation)
        )
        data = serializers.DesignationSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Audit trail of an institution",
        description=(
            "Every recorded change of the institution and of its members, designations and service "
            "fields, newest first. For platform admins and officials over its region."
        ),
        responses={200: serializers.AuditEventSerializer(many=True), 404: _NOT_FOUND},
        tags=["institutions"],
    )
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated], filter_backends=[])
    def history(self, request, pk=None):
        organisation = self._organisation(pk)
        events = audit.organisation_history(actor=request.user, organisation=organisation)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(serializers.AuditEventSerializer(page, many=True).data)


# --- memberships ------------------------------------------------------------------------------


class MembershipViewSet(viewsets.GenericViewSet):
    """Changing a member's role or removing them (adding is under the institution)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.MembershipSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        visible = selectors.organisation_visible_queryset(actor=self.request.user)
        return Membership.objects.filter(organisation__in=visible).select_related("organisation", "user")

    @extend_schema(
        summary="Change a member's role",
        request=serializers.MembershipChangeInputSerializer,
        responses={200: serializers.MembershipSerializer},
        tags=["members"],
    )
    def partial_update(self, request, pk=None):
        membership = self.get_object()
        rules.require_manage_members(request.user, membership.organisation)
        serializer = serializers.MembershipChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            actor=request.user, membership=membership, role=serializer.validated_data["role"]
        )
        return Response(serializers.MembershipSerializer(membership, context={"request": request}).data)

    @extend_schema(summary="Remove a member", responses={204: None}, tags=["members"])
    def destroy(self, request, pk=None):
        membership = self.get_object()
        rules.require_manage_members(request.user, membership.organisation)
        services.membership_remove(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- designations -----------------------------------------------------------------------------


def _status_change_schema(summary: str):
    return extend_schema(
        summary=summary,
        description=(
            "Only by the authority of the title's level, as for granting it; another level is a 403 with "
            "code `designation_level_not_permitted`."
        ),
        request=serializers.DesignationStatusChangeInputSerializer,
        responses={200: serializers.DesignationSerializer},
        tags=["designations"],
    )


@extend_schema_view(list=extend_schema(summary="All designations", tags=["designations"]))
class DesignationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """National and provincial demonstration-institution designations and their life."""

    serializer_class = serializers.DesignationSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_fields = ["level", "status"]
    ordering_fields = {
        "year_granted": ("year_granted", "pk"),
        "-year_granted": ("-year_granted", "-pk"),
    }
    lookup_value_converter = "int"

    def get_permissions(self):
        if self.action == "list":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return selectors.designation_list(actor=self.request.user)

    def _change_status(self, request, pk, target: str) -> Response:
        designation = get_object_or_404(self.get_queryset(), pk=pk)
        require(request.user, "institutions.manage_designations", designation.organisation)
        serializer = serializers.DesignationStatusChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.designation_change_status(
            actor=request.user,
            designation=designation,
            status=target,
            reason=serializer.validated_data["reason"],
        )
        designation = self.get_queryset().get(pk=designation.pk)
        return Response(serializers.DesignationSerializer(designation, context={"request": request}).data)

    @_status_change_schema("Warn a designated institution (reason required)")
    @action(detail=True, methods=["post"])
    def warn(self, request, pk=None):
        return self._change_status(request, pk, DesignationStatus.WARNED)

    @_status_change_schema("Reinstate a warned designation")
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._change_status(request, pk, DesignationStatus.ACTIVE)

    @_status_change_schema("Revoke a designation (reason required)")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._change_status(request, pk, DesignationStatus.REVOKED)


# --- the signed-in user -----------------------------------------------------------------------


class MeView(APIView):
    """Who is calling: the user (or a partner key's service account), their roles and jurisdictions.

    It lives here rather than in ``accounts`` because roles are memberships in organisations, and
    ``accounts`` may not import ``institutions`` (DESIGN.md: dependencies point one way).
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The signed-in user and their roles", responses=serializers.MeSerializer, tags=["me"]
    )
    def get(self, request):
        memberships = (
            Membership.objects.active()
            .filter(user=request.user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        me = {"user": request.user, "roles": actor_roles(request.user), "memberships": memberships}
        return Response(serializers.MeSerializer(me).data)


class TodoView(APIView):
    """What waits on the signed-in user, section by section (the to-do page and its badge, ``core.todo``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="What waits on the signed-in user (to do)", responses=serializers.TodoSerializer, tags=["me"]
    )
    def get(self, request):
        groups = todo.todo_sections(user=request.user)
        data = {"total": sum(group.count for group in groups), "sections": groups}
        return Response(serializers.TodoSerializer(data).data)


# --- the audit log ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The audit log",
        description=(
            "One entry per user action on one object, newest first, with field labels, names and local "
            "times as on the audit log page. Platform admins read everything; officials their jurisdiction."
        ),
        tags=["audit"],
    )
)
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.AuditEntrySerializer
    # For the schema's parameters; ``list`` validates the filters and hands them to the selector.
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilterSet

    def get_queryset(self):
        return AuditEvent.objects.none()

    def list(self, request, *args, **kwargs):
        audit.audit_log_reader_check(actor=request.user)  # a 403 before any filter is looked at
        filterset = AuditEventFilterSet(
            request.query_params, queryset=AuditEvent.objects.none(), request=request
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        filters = {name: value for name, value in request.query_params.items() if name in filterset.filters}
        events = audit.audit_log(actor=request.user, filters=filters)  # PermissionDenied: a 403
        page = self.paginate_queryset(audit.audit_entry_groups(events))
        entries = audit.audit_entries(events=events, groups=page)
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)
