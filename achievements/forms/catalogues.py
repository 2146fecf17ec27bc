"""Forms of the dual-use catalogue pages. They validate input; the services in ``catalogues`` decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.choices import CatalogueKind
from achievements.models import DualUseCatalogue
from core.forms import DateInput


class CatalogueForm(forms.ModelForm):
    """The kind, title, edition and introduction of a draft edition."""

    class Meta:
        model = DualUseCatalogue
        fields = ["kind", "title", "edition", "introduction"]
        labels = {"introduction": _("Preface")}
        help_texts = {"introduction": _("Shown above the list: why and how the edition was compiled.")}
        widgets = {
            "kind": forms.RadioSelect,
            "title": forms.TextInput(attrs={"placeholder": _("For example 四川省军用技术转民用推广目录")}),
            "introduction": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CatalogueKind.choices  # no blank radio button

    def _post_clean(self):
        # The service validates the model (and words the duplicate-edition message); a form that
        # validated it too would report the same errors twice and touch the instance before the service.
        pass


class CandidateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search published dual-use achievements"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, keyword or technology")}),
    )


class EntryAddForm(forms.Form):
    achievement = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class EntryMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Move up")), ("down", _("Move down"))])


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("Publication date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].initial = timezone.localdate()
