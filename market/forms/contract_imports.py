"""The upload form of the registration import. It validates input; the import service decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import XLSX_CONTENT_TYPE


class ContractImportUploadForm(forms.Form):
    registration_body = forms.ModelChoiceField(
        label=_("Registration body"),
        queryset=None,
        empty_label=None,
        help_text=_("The registrations are imported as this body's."),
    )
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_body"].queryset = bodies
        if len(bodies) == 1:
            self.fields["registration_body"].initial = bodies[0].pk
