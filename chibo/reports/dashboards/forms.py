from django import forms
from django.utils.translation import gettext_lazy as _

from chibo.core import dates
from chibo.core.forms import DateField


class DashboardForm(forms.Form):
    as_of = DateField(label=_("Tính đến ngày"), required=False)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day is not None and day > dates.today():
            raise forms.ValidationError(_("Ngày xem không được sau hôm nay."))
        return day
