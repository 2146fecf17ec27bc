"""Input and output serializers of the Excel import API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from achievements import importing
from achievements.actions import IMPORT_BATCH_ACTIONS
from achievements.choices import ImportStatus
from core.api.fields import ActionsField
from institutions.models import Organisation


class ImportBatchInputSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Id of the institution the achievements are filed for."
    )
    file = serializers.FileField(help_text="The filled-in import template (.xlsx).")


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(read_only=True, help_text="Row number in the sheet (the header is row 1).")
    column = serializers.CharField(read_only=True, help_text="The column's header; blank for a whole row.")
    cell = serializers.CharField(read_only=True, help_text="The cell, such as H5; blank for a whole row.")
    field = serializers.CharField(read_only=True, help_text="The achievement field the column fills.")
    code = serializers.CharField(read_only=True, help_text="Machine-readable kind of problem.")
    message = serializers.SerializerMethodField(help_text="The problem, in the request's language.")

    def get_message(self, error: dict) -> str:
        return importing.localised(error)


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(read_only=True)
    title = serializers.SerializerMethodField()

    def get_title(self, entry: dict) -> str:
        return entry["data"].get("title", "")


class ImportBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    institution = serializers.IntegerField(source="institution_id", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    original_name = serializers.CharField(read_only=True)
    file_sha256 = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ImportStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    total_rows = serializers.IntegerField(read_only=True)
    processed_rows = serializers.IntegerField(read_only=True)
    valid_rows = serializers.IntegerField(read_only=True)
    invalid_rows = serializers.SerializerMethodField()
    imported_rows = serializers.IntegerField(read_only=True)
    skipped_rows = serializers.IntegerField(read_only=True, help_text="Valid rows imported before, skipped.")
    errors = ImportErrorSerializer(many=True, read_only=True)
    rows = ImportRowSerializer(many=True, read_only=True, help_text="The valid rows, to be imported.")
    failure = serializers.CharField(read_only=True, help_text="Why the check or the import failed.")
    created_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    actions = ActionsField(IMPORT_BATCH_ACTIONS)

    @extend_schema_field(serializers.IntegerField())
    def get_invalid_rows(self, batch) -> int:
        return max(batch.total_rows - batch.valid_rows, 0) if batch.status != ImportStatus.FAILED else 0
