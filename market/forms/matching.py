"""Forms of the match pages: a party's feedback on a match, and the match inbox's filters. Forms check
the shape of the input; the service decides (a dismissal needs a reason), and its ``ValidationError``
is shown next to the field it names."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from market.choices import MatchFeedbackReason, MatchSide, MatchVerdict

MINIMUM_SCORES = (50, 60, 70, 80)  # percent


def _with_blank(label, choices) -> list[tuple]:
    return [("", label), *choices]


class MatchFeedbackForm(forms.Form):
    """有用 / 不相关 on one match. Each row of a page has its own, so the ids carry the match's pk."""

    verdict = forms.ChoiceField(label=_("Verdict"), choices=MatchVerdict.choices)
    reason = forms.ChoiceField(
        label=_("Why is it not relevant?"),
        required=False,
        choices=_with_blank(_("Choose a reason"), MatchFeedbackReason.choices),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, match_pk: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_match_{match_pk}_%s")
        super().__init__(*args, **kwargs)


class MatchInboxFilterForm(forms.Form):
    """The inbox's filters. Invalid values are ignored: it is a filter form."""

    side = forms.ChoiceField(
        label=_("Matches for"),
        required=False,
        choices=[
            ("", _("All my matches")),
            (MatchSide.DEMAND, _("My demands")),
            (MatchSide.OFFER, _("My achievements and listings")),
        ],
    )
    min_score = forms.TypedChoiceField(label=_("Lowest score"), required=False, coerce=int, empty_value=None)

    def __init__(self, data: QueryDict):
        super().__init__(data)
        # Built here, not at import, so that the labels are in the request's language.
        self.fields["min_score"].choices = _with_blank(
            _("Any score"), [(score, _("%(score)s%% or more") % {"score": score}) for score in MINIMUM_SCORES]
        )

    def selector_arguments(self) -> dict:
        """The valid filters as ``match_inbox`` takes them (the score as a fraction of 1)."""
        data = getattr(self, "cleaned_data", {})
        minimum = data.get("min_score")
        return {
            "side": data.get("side") or "",
            "minimum_score": minimum / 100 if minimum is not None else None,
        }
