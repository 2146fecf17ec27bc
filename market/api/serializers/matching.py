"""Input and output serializers of the matching API (供需匹配).

A match is shown with both records it pairs, its score and each factor's score, the shared key words
and the reasons in plain words. The output serializers read what the selectors joined and what the
view set on each match (``reasons``, ``percent``, ``my_side``, ``my_verdict``), so a page of matches
costs the same queries as one. The feedback rules (a reason for "not relevant", who may judge) live in
the service.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ActionsField
from core.validators import validate_single_line
from institutions.api.serializers import OrganisationReferenceSerializer
from market import actions as action_sets
from market.choices import MatchFeedbackReason, MatchSide, MatchVerdict
from market.models import Match, MatchFeedback

OFFER_KINDS = ("listing", "achievement")


class MatchFactorsSerializer(serializers.Serializer):
    """Each factor's score in [0, 1]; the match's score is their weighted sum."""

    text = serializers.FloatField(
        read_only=True, help_text="Relevance of the texts (key words, problem, summary)."
    )
    field = serializers.FloatField(read_only=True, help_text="Same technology field.")
    trl = serializers.FloatField(read_only=True, help_text="The offer's readiness against the level wanted.")
    budget = serializers.FloatField(read_only=True, help_text="The price against the budget.")
    mode = serializers.FloatField(
        read_only=True, help_text="The cooperation mode offered against the one wanted."
    )
    region = serializers.FloatField(read_only=True, help_text="Nearness of the two parties.")
    freshness = serializers.FloatField(read_only=True, help_text="How recently the offer was published.")


class MatchDemandSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    enterprise = OrganisationReferenceSerializer(read_only=True)
    url = serializers.SerializerMethodField(help_text="The demand's page.")

    def get_url(self, demand) -> str:
        return reverse("market:demand-detail", args=[demand.pk])


class MatchOfferSerializer(serializers.Serializer):
    """A listing, or a published achievement not (yet) listed on the market."""

    kind = serializers.ChoiceField(choices=OFFER_KINDS, read_only=True)
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    owner = OrganisationReferenceSerializer(
        read_only=True, help_text="The listing's seller or the achievement's filing institution."
    )
    url = serializers.CharField(read_only=True, help_text="The listing's or the achievement's page.")


class MatchSerializer(serializers.Serializer):
    """A recommended pair: the demand, the offer, how well they fit and why."""

    id = serializers.IntegerField(read_only=True)
    score = serializers.FloatField(read_only=True, help_text="0–1: the weighted sum of the factors.")
    percent = serializers.IntegerField(read_only=True, help_text="The score out of 100, rounded.")
    factors = MatchFactorsSerializer(read_only=True)
    matched_terms = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Key words both texts share."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Why they fit, in plain words, in the request's language (Accept-Language).",
    )
    demand = MatchDemandSerializer(read_only=True)
    offer = serializers.SerializerMethodField()
    demand_rank = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The offer's place among the demand's matches (1 = best)."
    )
    listing_rank = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The demand's place among the listing's matches (1 = best); null for an achievement.",
    )
    my_side = serializers.ChoiceField(
        choices=MatchSide.choices,
        read_only=True,
        allow_null=True,
        help_text="The party you speak for, `demand` or `offer`; null for officials and admins, who "
        "watch but do not judge.",
    )
    my_verdict = serializers.ChoiceField(
        choices=MatchVerdict.choices,
        read_only=True,
        allow_null=True,
        help_text="Your side's feedback on the match, `useful` or `not_relevant`; null when none was given.",
    )
    found_at = serializers.DateTimeField(read_only=True)
    actions = ActionsField(action_sets.MATCH_ACTIONS)

    @extend_schema_field(MatchOfferSerializer)
    def get_offer(self, match: Match) -> dict:
        if match.listing_id:
            offer, kind, owner = match.listing, "listing", match.listing.institution
            url = reverse("market:listing-detail", args=[offer.pk])
        else:
            offer, kind, owner = match.achievement, "achievement", match.achievement.filing_institution
            url = reverse("achievements:detail", args=[offer.pk])
        return {
            "kind": kind,
            "id": offer.pk,
            "title": offer.title,
            "owner": {"id": owner.pk, "name": owner.name},
            "url": url,
        }


class MatchFeedbackSerializer(serializers.Serializer):
    """One side's verdict on a match."""

    match = serializers.SerializerMethodField(help_text="The match judged.")
    side = serializers.ChoiceField(choices=MatchSide.choices, read_only=True)
    side_label = serializers.CharField(source="get_side_display", read_only=True)
    verdict = serializers.ChoiceField(choices=MatchVerdict.choices, read_only=True)
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)
    reason = serializers.ChoiceField(
        choices=[("", ""), *MatchFeedbackReason.choices],
        read_only=True,
        help_text="Why the match is not relevant; empty for a useful match.",
    )
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    comment = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_match(self, feedback: MatchFeedback) -> int:
        return self.context["match"].pk


# --- input ------------------------------------------------------------------------------------


class MatchInboxQuerySerializer(serializers.Serializer):
    side = serializers.ChoiceField(
        choices=MatchSide.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="`demand`: offers for your demands; `offer`: demands for your listings and achievements. "
        "Both when left out.",
    )
    min_score = serializers.FloatField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=1,
        help_text="Only matches scoring at least this (0–1).",
    )


class MatchFeedbackInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=MatchVerdict.choices)
    reason = serializers.ChoiceField(
        choices=MatchFeedbackReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the verdict is `not_relevant`; ignored for `useful`.",
    )
    comment = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[validate_single_line]
    )
