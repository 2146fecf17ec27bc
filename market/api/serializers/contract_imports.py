"""Input and output serializers of the registration import API."""

from rest_framework import serializers

from institutions.choices import OrganisationKind
from institutions.models import Organisation
from market.models import ContractImportStatus
from market.policies import contract_imports as checks


class ContractImportInputSerializer(serializers.Serializer):
    registration_body = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.REGISTRATION_BODY),
        help_text="Id of the registration body whose registrations the file holds.",
    )
    file = serializers.FileField(help_text="The filled-in JJ-001 template (.xlsx).")


class ContractImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(read_only=True, help_text="Row in the sheet (the header is row 1).")
    column = serializers.CharField(read_only=True, help_text="The column's header.")
    cell = serializers.CharField(read_only=True, help_text="The cell, such as G5; blank for a whole row.")
    code = serializers.CharField(read_only=True, help_text="Machine-readable kind of problem.")
    message = serializers.SerializerMethodField(help_text="The problem, in the request's language.")

    def get_message(self, error: dict) -> str:
        return checks.message(error)


class ContractImportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    registration_body = serializers.IntegerField(source="registration_body_id", read_only=True)
    registration_body_name = serializers.CharField(source="registration_body.name", read_only=True)
    original_name = serializers.CharField(read_only=True)
    file_sha256 = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ContractImportStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    total_rows = serializers.IntegerField(read_only=True)
    processed_rows = serializers.IntegerField(read_only=True)
    created_count = serializers.IntegerField(read_only=True)
    updated_count = serializers.IntegerField(read_only=True)
    unchanged_count = serializers.IntegerField(read_only=True)
    error_count = serializers.IntegerField(read_only=True, help_text="Rows left out because of errors.")
    errors = ContractImportErrorSerializer(many=True, read_only=True)
    failure = serializers.CharField(read_only=True, help_text="Why the whole file was refused.")
    created_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
