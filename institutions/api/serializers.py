"""Input and output serializers of the institution-network API.

Output serializers read what the selectors already joined or prefetched, so a list costs the same
number of queries for one row as for a page of them. Input serializers only translate request data
(codes and ids into objects); the rules live in the services and the models.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import limits
from core.api.fields import ActionsField
from core.validators import validate_phone, validate_single_line, validate_text, validate_year_not_in_future
from institutions import identifiers, policies
from institutions.actions import DESIGNATION_ACTIONS, MEMBERSHIP_ACTIONS, ORGANISATION_ACTIONS
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    DesignationStatus,
    MembershipRole,
    OrganisationKind,
    RegionLevel,
    ServiceType,
    TransferKind,
    TransferLevel,
)
from institutions.models import AuditEvent, Classification, Organisation, Region
from institutions.querysets import LIVE_DESIGNATION_STATUSES
from institutions.selectors import audit

User = get_user_model()


# --- small references to related objects ------------------------------------------------------


class RegionReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class ClassificationReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The Chinese name (the source of truth).")
    label = serializers.CharField(read_only=True, help_text="The name in the request's language.")


class OrganisationReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ServiceSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ServiceType.choices, read_only=True)
    label = serializers.CharField(read_only=True)


# --- regions and classifications --------------------------------------------------------------


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="GB/T 2260 six-digit code.")
    name = serializers.CharField(read_only=True)
    level = serializers.ChoiceField(choices=RegionLevel.choices, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent = RegionReferenceSerializer(read_only=True, allow_null=True)


class NetworkNodeSerializer(serializers.Serializer):
    """A region directly under the requested one, with the institutions in it and below it."""

    code = serializers.CharField(source="region.code", read_only=True)
    name = serializers.CharField(source="region.name", read_only=True)
    level = serializers.ChoiceField(source="region.level", choices=RegionLevel.choices, read_only=True)
    level_label = serializers.CharField(source="region.get_level_display", read_only=True)
    institution_count = serializers.IntegerField(read_only=True)
    transfer_institution_count = serializers.IntegerField(read_only=True)


class ClassificationSerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=ClassificationScheme.choices, read_only=True)
    version = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True, help_text="The name in the request's language.")
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)


# --- designations -----------------------------------------------------------------------------


class DesignationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    level = serializers.ChoiceField(choices=DesignationLevel.choices, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    status = serializers.ChoiceField(choices=DesignationStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    year_granted = serializers.IntegerField(read_only=True)


class DesignatedOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    region = RegionReferenceSerializer(read_only=True)


class DesignationSerializer(DesignationSummarySerializer):
    organisation = DesignatedOrganisationSerializer(read_only=True)
    document_number = serializers.CharField(
        read_only=True, help_text="The deciding document's number (文号)."
    )
    decided_by = serializers.CharField(
        read_only=True, help_text="The body that decided the title (e.g. 科学技术部 for national titles)."
    )
    granted_by = OrganisationReferenceSerializer(
        read_only=True, allow_null=True, help_text="The department that granted or recorded the title."
    )
    status_reason = serializers.CharField(read_only=True)
    status_changed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(DESIGNATION_ACTIONS)


class DesignationGrantInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=DesignationLevel.choices,
        help_text=(
            "City titles by the S&T department of the institution's city; provincial titles by the "
            "provincial department, which also records national ones; platform admins any. Another level "
            "is a 403 with code `designation_level_not_permitted`."
        ),
    )
    year_granted = serializers.IntegerField(
        min_value=policies.DESIGNATION_FIRST_YEAR,
        validators=[validate_year_not_in_future],
        help_text=f"From {policies.DESIGNATION_FIRST_YEAR} to the current year.",
    )
    document_number = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="The deciding document's number (文号); required for national titles.",
    )
    decided_by = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="The body that decided the title (e.g. 科学技术部); required for national titles.",
    )


class DesignationStatusChangeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required for warnings and revocations, kept in the audit trail.",
    )


# --- organisations ----------------------------------------------------------------------------


class OrganisationSerializer(serializers.Serializer):
    """An organisation as the directory shows it."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    credit_code = serializers.CharField(read_only=True, help_text="统一社会信用代码 (GB 32100-2015).")
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    entity_type = ClassificationReferenceSerializer(read_only=True, allow_null=True)
    region = RegionReferenceSerializer(read_only=True)
    city = serializers.SerializerMethodField(help_text="The city or prefecture (市/州) the region lies in.")
    address = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True)
    introduction = serializers.CharField(read_only=True)
    is_transfer_institution = serializers.BooleanField(read_only=True)
    transfer_level = serializers.ChoiceField(
        choices=TransferLevel.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty unless a transfer institution.",
    )
    transfer_level_label = serializers.CharField(source="get_transfer_level_display", read_only=True)
    transfer_kind = serializers.ChoiceField(
        choices=TransferKind.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty unless a transfer institution.",
    )
    transfer_kind_label = serializers.CharField(source="get_transfer_kind_display", read_only=True)
    parent = OrganisationReferenceSerializer(
        read_only=True, allow_null=True, help_text="The institution above this one in the network."
    )
    transfer_office = OrganisationReferenceSerializer(
        read_only=True,
        allow_null=True,
        help_text="The technology-transfer institution that transfers this organisation's results.",
    )
    service_fields = ClassificationReferenceSerializer(many=True, read_only=True)
    services = serializers.SerializerMethodField()
    designations = serializers.SerializerMethodField(help_text="Live (active or warned) designations.")
    is_active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(ORGANISATION_ACTIONS)

    @extend_schema_field(RegionReferenceSerializer(allow_null=True))
    def get_city(self, organisation: Organisation) -> dict | None:
        region = organisation.region
        if region.level == RegionLevel.COUNTY:
            region = region.parent
        elif region.level != RegionLevel.CITY:
            return None
        return RegionReferenceSerializer(region).data

    @extend_schema_field(ServiceSerializer(many=True))
    def get_services(self, organisation: Organisation) -> list[dict]:
        return [{"code": code, "label": ServiceType(code).label} for code in organisation.services]

    @extend_schema_field(DesignationSummarySerializer(many=True))
    def get_designations(self, organisation: Organisation) -> list[dict]:
        # The list selector prefetches live designations; the detail selector prefetches them all.
        designations = getattr(organisation, "live_designations", None)
        if designations is None:
            designations = [
                designation
                for designation in organisation.all_designations
                if designation.status in LIVE_DESIGNATION_STATUSES
            ]
        return DesignationSummarySerializer(designations, many=True).data


class OrganisationChildSerializer(OrganisationReferenceSerializer):
    region = RegionReferenceSerializer(read_only=True)


class OrganisationDetailSerializer(OrganisationSerializer):
    """One organisation, with the active institutions directly under it in the network and, for a
    transfer institution, the organisations it serves."""

    children = OrganisationChildSerializer(source="active_children", many=True, read_only=True)
    served_organisations = OrganisationChildSerializer(
        source="active_served_organisations",
        many=True,
        read_only=True,
        help_text="For a transfer institution: the active organisations whose results it transfers (依托单位).",
    )


class OrganisationInputSerializer(serializers.Serializer):
    """What may be sent to register or edit an organisation; codes and ids stand for related objects."""

    name = serializers.CharField(max_length=200, validators=[validate_single_line])
    short_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, validators=[validate_single_line]
    )
    name_en = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    credit_code = serializers.CharField(
        max_length=30, help_text="统一社会信用代码, 18 characters; spaces and hyphens are ignored."
    )
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    entity_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.ENTITY_TYPE, is_current=True),
        required=False,
        allow_null=True,
        help_text="Legal-entity type code (买/卖方性质, JJ-001), e.g. `100`.",
        error_messages={"does_not_exist": _("There is no legal-entity type with the code {value}.")},
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.home(),
        help_text="GB/T 2260 region code, e.g. `510104`.",
        error_messages={
            "does_not_exist": _("There is no region in the platform's province with the code {pk_value}.")
        },
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_single_line]
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, validators=[validate_phone]
    )
    introduction = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH, validators=[validate_text], required=False, allow_blank=True
    )

    is_transfer_institution = serializers.BooleanField(required=False)
    transfer_level = serializers.ChoiceField(choices=TransferLevel.choices, required=False, allow_blank=True)
    transfer_kind = serializers.ChoiceField(choices=TransferKind.choices, required=False, allow_blank=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(),
        required=False,
        allow_null=True,
        help_text="Id of the institution above this one in the network.",
        error_messages={"does_not_exist": _("There is no active organisation with the id {pk_value}.")},
    )
    transfer_office = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.active(),
        required=False,
        allow_null=True,
        help_text="Id of the technology-transfer institution that transfers this organisation's results.",
        error_messages={"does_not_exist": _("There is no active organisation with the id {pk_value}.")},
    )
    service_fields = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
        help_text="Technology-field codes (技术领域), e.g. `01`.",
    )
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceType.choices), required=False, allow_empty=True
    )
    is_active = serializers.BooleanField(required=False)

    def validate_credit_code(self, value: str) -> str:
        return identifiers.compact(value)


# --- members ----------------------------------------------------------------------------------


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organisation_id = serializers.IntegerField(read_only=True)
    user = MemberUserSerializer(read_only=True)
    role = serializers.ChoiceField(choices=MembershipRole.choices, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    granted_by = MemberUserSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who granted the membership or its current role; null when not recorded.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(MEMBERSHIP_ACTIONS)


class MembershipCreateInputSerializer(serializers.Serializer):
    username = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("No active user has the username {value}.")},
    )
    role = serializers.ChoiceField(choices=MembershipRole.choices)


class MembershipChangeInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=MembershipRole.choices)


# --- the audit trail --------------------------------------------------------------------------


class AuditEventSerializer(serializers.Serializer):
    """One recorded change: what, when, by whom, from where, in which request."""

    time = serializers.DateTimeField(source="pgh_created_at", read_only=True)
    label = serializers.CharField(
        source="pgh_label", read_only=True, help_text="`insert`, `update`, `delete` or a named event."
    )
    model = serializers.CharField(
        source="pgh_obj_model", read_only=True, help_text="e.g. `institutions.Organisation`."
    )
    object_id = serializers.CharField(source="pgh_obj_id", read_only=True, allow_null=True)
    user = serializers.SerializerMethodField(help_text="Username of the actor; null for system changes.")
    ip = serializers.CharField(read_only=True, allow_null=True)
    request_id = serializers.CharField(read_only=True, allow_null=True)
    changes = serializers.SerializerMethodField(help_text="Changed fields as `{field: [old, new]}`.")
    data = serializers.SerializerMethodField(help_text="The whole row, for inserts and deletes; else null.")

    def get_user(self, event: AuditEvent) -> str | None:
        return event.user.username if event.user is not None else None

    @extend_schema_field(
        serializers.DictField(
            child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2)
        )
    )
    def get_changes(self, event: AuditEvent) -> dict:
        return audit.visible_changes(event)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, event: AuditEvent) -> dict | None:
        if event.pgh_label not in ("insert", "delete"):
            return None
        return {
            name: value
            for name, value in (event.pgh_data or {}).items()
            if name not in audit.HIDDEN_DIFF_FIELDS
        }


# --- the signed-in user -----------------------------------------------------------------------


class UserMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organisation = OrganisationReferenceSerializer(read_only=True)
    role = serializers.ChoiceField(choices=MembershipRole.choices, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)


class JurisdictionSerializer(serializers.Serializer):
    """An official post: the department and the region it answers for."""

    code = serializers.CharField(source="region_code", read_only=True)
    name = serializers.CharField(source="region_name", read_only=True)
    level = serializers.ChoiceField(source="region_level", choices=RegionLevel.choices, read_only=True)
    department = serializers.SerializerMethodField()

    @extend_schema_field(OrganisationReferenceSerializer)
    def get_department(self, post) -> dict:
        return {"id": post.organisation_id, "name": post.organisation_name}


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    is_platform_admin = serializers.BooleanField(source="roles.is_platform_admin", read_only=True)
    roles = serializers.ListField(
        source="roles.labels",
        child=serializers.CharField(),
        read_only=True,
        help_text="Role codes, most powerful first: platform_admin, official, institution_admin, "
        "institution_staff, enterprise_user, broker, partner.",
    )
    memberships = UserMembershipSerializer(many=True, read_only=True)
    jurisdictions = JurisdictionSerializer(source="roles.official_posts", many=True, read_only=True)


# --- the to-do page (core.todo) ---------------------------------------------------------------


class TodoItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page where the item is worked (a path on this site).")
    note = serializers.CharField(help_text="Who or what it concerns; may be empty.")


class TodoSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable name of the section, e.g. `filings_to_review`.")
    title = serializers.CharField()
    count = serializers.IntegerField(min_value=0)
    items = TodoItemSerializer(many=True, help_text="The first few items, in the order to work them.")
    queue_url = serializers.CharField(help_text="The full queue page (a path on this site).")


class TodoSerializer(serializers.Serializer):
    total = serializers.IntegerField(min_value=0, help_text="What the navigation bar's badge shows.")
    sections = TodoSectionSerializer(many=True)


# --- the audit log ----------------------------------------------------------------------------


class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's label in the request's language.")
    old = serializers.CharField(allow_null=True, help_text="The value before, as shown; null when created.")
    new = serializers.CharField(help_text="The value after, as shown (names, labels, local times).")


class AuditEntrySerializer(serializers.Serializer):
    """One user action on one object, as the audit log page shows it (readable values, local time)."""

    time = serializers.DateTimeField(
        source="at", help_text="The last change of the action, in Asia/Shanghai."
    )
    user = serializers.SerializerMethodField(help_text="Username of the actor; null for system changes.")
    user_name = serializers.SerializerMethodField(help_text="The actor's name; null for system changes.")
    ip = serializers.CharField(allow_null=True)
    request_id = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=["insert", "update", "delete"])
    action_label = serializers.CharField()
    model = serializers.CharField(help_text="e.g. `institutions.Organisation`.")
    object_type = serializers.CharField(help_text="The kind of object in the request's language.")
    object_id = serializers.CharField()
    label = serializers.CharField(help_text="The object's name.")
    organisation = serializers.CharField(allow_null=True, help_text="The institution it concerns, if any.")
    changes = AuditChangeSerializer(many=True)

    def get_user(self, entry) -> str | None:
        return entry.user.username if entry.user is not None else None

    def get_user_name(self, entry) -> str | None:
        return entry.user.display_name if entry.user is not None else None
