"""Supply–demand matches (供需匹配), the feedback people give on them, and the notices sent once.

A match pairs a published demand with an offer: a listing, or a published achievement that has no
listing on the market. The engine (``market.matching_engine``) keeps, for every demand, its best
offers and, for every listing, its best demands; a pair is stored once, with the rank it holds on
either side. Matches are derived data, replaced by every run, so they are not kept in the audit
trail; what people do with them (feedback) is. Feedback and notices are keyed by the pair, not by the
match row, so that they outlive a recompute that drops and later restores the pair.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from achievements.models import Achievement
from core import limits
from market.choices import MatchFeedbackReason, MatchSide, MatchVerdict
from market.models.listings import Demand, Listing
from market.querysets import MatchFeedbackQuerySet, MatchQuerySet

OFFER_KEY = ("demand", "listing", "achievement")


def _offer_constraints(prefix: str, *, side_field: str | None = None) -> list:
    """Exactly one offer per row, and one row per pair (and side, for feedback). The empty offer
    column counts as a value (NULLS NOT DISTINCT), so that upserts can name the whole key."""
    return [
        models.CheckConstraint(
            condition=Q(listing__isnull=False, achievement__isnull=True)
            | Q(listing__isnull=True, achievement__isnull=False),
            name="%(app_label)s_%(class)s_one_offer",
        ),
        models.UniqueConstraint(
            fields=[*OFFER_KEY, *([side_field] if side_field else [])],
            nulls_distinct=False,
            name=f"{prefix}_unique_pair",
        ),
    ]


class Match(models.Model):
    """A demand and an offer the engine found worth introducing, with the reasons.

    ``factors`` holds each factor's score in [0, 1] (text, field, trl, budget, mode, region, freshness;
    see ``market.policies.matching``); ``score`` is their weighted sum with the weights in force when it
    was computed. ``demand_rank`` is the offer's place among the demand's matches, ``listing_rank`` the
    demand's place among the listing's; either is empty when the pair is not in that side's top list.
    """

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="matches"
    )
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(_("score"))
    factors = models.JSONField(_("factor scores"), default=dict)
    matched_terms = ArrayField(models.CharField(max_length=40), default=list, verbose_name=_("matched terms"))
    demand_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    listing_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    found_at = models.DateTimeField(_("first found"), auto_now_add=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ("-score", "pk")
        indexes = [
            models.Index(fields=["demand", "-score"], name="market_match_demand_score"),
            models.Index(fields=["listing", "-score"], name="market_match_listing_score"),
            models.Index(fields=["achievement", "-score"], name="market_match_achievement"),
            models.Index(fields=["-found_at"], name="market_match_found"),
        ]
        constraints = _offer_constraints("market_match")

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.listing_id or self.achievement_id} ({self.score:.2f})"

    @property
    def offer(self):
        return self.listing if self.listing_id else self.achievement


@pghistory.track()
class MatchFeedback(models.Model):
    """What one side thought of a match: useful, or not relevant with a reason (kept for tuning).

    One verdict per pair and side: the demand's enterprise and the offer's institution each judge for
    themselves; a later verdict replaces the earlier one. A pair judged not relevant stays hidden from
    that side.
    """

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=10, choices=MatchSide.choices)
    verdict = models.CharField(_("verdict"), max_length=14, choices=MatchVerdict.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=MatchFeedbackReason.choices, blank=True)
    comment = limits.single_line_field(_("comment"), max_length=500, blank=True)
    score = models.FloatField(_("score when judged"), null=True, blank=True)
    factors = models.JSONField(_("factor scores when judged"), default=dict, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("given by")
    )
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MatchFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        ordering = ("-updated_at", "-pk")
        indexes = [models.Index(fields=["verdict", "reason"], name="market_feedback_verdict")]
        constraints = [
            *_offer_constraints("market_feedback", side_field="side"),
            models.CheckConstraint(
                condition=~Q(verdict="not_relevant") | ~Q(reason=""),
                name="%(app_label)s_%(class)s_dismissal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} · {self.get_verdict_display()}"


class MatchNotice(models.Model):
    """A strong match to announce to both sides, once: recorded when found (the unique pair decides
    it is new), sent with the record's other new strong matches in one message (``sent_at``)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = _offer_constraints("market_notice")
        indexes = [
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="market_notice_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ↔ {self.listing_id or self.achievement_id}"
