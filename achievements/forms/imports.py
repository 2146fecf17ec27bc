"""Forms of the import pages. They validate input; the import services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from achievements import importing


class ImportUploadForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Import for"),
        queryset=None,
        empty_label=None,
        help_text=_("The institution filing these achievements."),
    )
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{importing.XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0].pk
