"""Input and output serializers of the dual-use catalogue API.

Output serializers read only what ``catalogues.catalogue_overview`` annotated and
``catalogues.catalogue_get_with_entries`` prefetched, so neither a list nor an edition costs a query
per row. Input serializers translate request data; the rules live in ``achievements.services.catalogues``.
"""

from django.urls import reverse
from rest_framework import serializers

from achievements.actions import CATALOGUE_ACTIONS, CATALOGUE_ENTRY_ACTIONS
from achievements.choices import (
    ACHIEVEMENT_COOPERATION_MODES,
    AchievementStatus,
    CatalogueKind,
    CatalogueStatus,
    CooperationMode,
)
from achievements.models import Achievement
from core import limits
from core.api.fields import ActionsField
from core.validators import validate_single_line, validate_text


class CatalogueInstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class CatalogueFieldSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True, help_text="The name in the request's language.")


class CatalogueAchievementSerializer(serializers.Serializer):
    """What a catalogue lists of an achievement; the achievement's own endpoint has the rest."""

    id = serializers.IntegerField(read_only=True)
    filing_number = serializers.CharField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    institution = CatalogueInstitutionSerializer(source="filing_institution", read_only=True)
    technology_field = CatalogueFieldSerializer(read_only=True, allow_null=True)
    trl = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Technology readiness level 1–9."
    )
    cooperation_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=ACHIEVEMENT_COOPERATION_MODES), read_only=True
    )
    cooperation_mode_labels = serializers.SerializerMethodField()
    is_available = serializers.SerializerMethodField(
        help_text="False once the institution has withdrawn the achievement; the catalogue keeps the entry."
    )
    page_url = serializers.SerializerMethodField()

    def get_cooperation_mode_labels(self, achievement: Achievement) -> list[str]:
        return [
            str(CooperationMode(mode).label)
            for mode in achievement.cooperation_modes
            if mode in CooperationMode.values
        ]

    def get_is_available(self, achievement: Achievement) -> bool:
        return achievement.status == AchievementStatus.PUBLISHED

    def get_page_url(self, achievement: Achievement) -> str:
        return reverse("achievements:detail", args=[achievement.pk])


class CatalogueEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    note = serializers.CharField(read_only=True)
    achievement = CatalogueAchievementSerializer(read_only=True)
    actions = ActionsField(CATALOGUE_ENTRY_ACTIONS)


class CatalogueSerializer(serializers.Serializer):
    """An edition of one of the two catalogues, as listed."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=CatalogueKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(read_only=True)
    edition = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=CatalogueStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    entry_count = serializers.IntegerField(read_only=True)
    page_url = serializers.SerializerMethodField()
    actions = ActionsField(CATALOGUE_ACTIONS)

    def get_page_url(self, catalogue) -> str:
        return reverse("catalogues:detail", args=[catalogue.pk])


class CatalogueDetailSerializer(serializers.Serializer):
    """An edition with its introduction and its entries in order."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=CatalogueKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    title = serializers.CharField(read_only=True)
    edition = serializers.CharField(read_only=True)
    introduction = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=CatalogueStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    page_url = serializers.SerializerMethodField()
    entries = CatalogueEntrySerializer(many=True, read_only=True)
    actions = ActionsField(CATALOGUE_ACTIONS)

    def get_page_url(self, catalogue) -> str:
        return reverse("catalogues:detail", args=[catalogue.pk])


class CatalogueInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogueKind.choices)
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    edition = serializers.CharField(
        max_length=50, help_text="For example 2026年第一批.", validators=[validate_single_line]
    )
    introduction = serializers.CharField(
        max_length=limits.SUMMARY_MAX_LENGTH,
        validators=[validate_text],
        required=False,
        allow_blank=True,
        default="",
    )


class CatalogueEntryInputSerializer(serializers.Serializer):
    achievement = serializers.PrimaryKeyRelatedField(
        queryset=Achievement.objects.all(), help_text="The id of a published dual-use achievement."
    )
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", validators=[validate_single_line]
    )


class CataloguePublishInputSerializer(serializers.Serializer):
    published_on = serializers.DateField(
        required=False, help_text="The publication date; today when left out. It cannot be in the future."
    )
