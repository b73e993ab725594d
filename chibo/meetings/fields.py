"""The date field of the meeting forms (the record, a thematic meeting, the topic): core's date
field, picked in the phone's date picker."""

from django import forms

from chibo.core.forms import DateField as CoreDateField

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DateField(CoreDateField):
    """A date typed as dd/mm/yyyy or picked in the phone's date picker (yyyy-mm-dd)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DATE_WIDGET)
        super().__init__(**kwargs)
