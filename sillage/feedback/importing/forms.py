"""The upload form and the column-mapping form of response imports."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization, Unit
from sillage.feedback.importing.mapping import TARGET_LABELS, TARGETS
from sillage.feedback.importing.services import MAX_UPLOAD_BYTES
from sillage.feedback.models import ImportJob, Survey, Touchpoint

TARGET_HELP = {
    "unit": _(
        "Codes of your units, as in Units (e.g. B1). Or choose one unit for every row below."
    ),
    "submitted_at": _(
        "2024-03-05 14:30, 05/03/2024, Excel dates… Times without a zone are read in the "
        "time zone below."
    ),
    "external_id": _(
        "The response's id in the other tool: an id already recorded is never imported twice."
    ),
    "language": _("fr or en (also FR-CA, Français, English); empty: the organisation's language."),
    "employee_code": _("Employee codes of your people, as in People."),
    "survey": _("The survey's number or name; or choose one survey for every row below."),
}
OPTION_LABEL_MAX = 90


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_(
            "Exports of Qualtrics, SurveyMonkey, Google Forms and Formbricks are recognised; "
            "any other spreadsheet works once its columns are mapped."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES >> 20}
            )
        return upload


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= OPTION_LABEL_MAX else label[: OPTION_LABEL_MAX - 1] + "…"


class MappingForm(forms.Form):
    """One select per target field, listing the file's columns, then the import's options."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit for every row"),
        help_text=_("When the file has no unit column, or for its empty cells."),
    )
    touchpoint = forms.ModelChoiceField(
        queryset=Touchpoint.objects.none(),
        required=False,
        label=_("Touchpoint for every row"),
        help_text=_("Optional."),
    )
    survey = forms.ModelChoiceField(
        queryset=Survey.objects.none(),
        required=False,
        label=_("Survey these responses answered"),
        help_text=_("Optional."),
    )
    day_first = forms.TypedChoiceField(
        label=_("Dates such as 05/03/2024 are written"),
        choices=[
            ("1", _("day first (5 March 2024)")),
            ("0", _("month first (May 3, 2024)")),
        ],
        coerce=lambda value: value == "1",
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of dates without one"),
        help_text=_("Every response is stored with its exact moment."),
    )
    skip_existing = forms.BooleanField(
        required=False,
        label=_("Skip rows whose external id is already recorded, rather than report them"),
    )

    def __init__(self, *args: Any, job: ImportJob, organization: Organization, **kwargs: Any):
        options = job.options
        initial = {
            **{f"col_{t}": "" if job.mapping.get(t) is None else job.mapping[t] for t in TARGETS},
            "unit": options.get("unit"),
            "touchpoint": options.get("touchpoint"),
            "survey": options.get("survey"),
            "day_first": "1" if options.get("day_first", True) else "0",
            "time_zone": options.get("time_zone") or organization.time_zone,
            "skip_existing": bool(options.get("skip_existing")),
        }
        super().__init__(*args, initial=initial, **kwargs)
        columns = [("", _("— not in the file —"))] + [
            (str(i), _short(label)) for i, label in enumerate(job.header)
        ]
        mapped = {
            f"col_{target}": forms.ChoiceField(
                label=TARGET_LABELS[target],
                choices=columns,
                required=False,
                help_text=TARGET_HELP.get(target, ""),
            )
            for target in TARGETS
        }
        # The column selects come first, then the options.
        self.fields = {**mapped, **self.fields}
        self.fields["unit"].queryset = Unit.objects.filter(organization=organization)
        self.fields["touchpoint"].queryset = Touchpoint.objects.filter(organization=organization)
        self.fields["survey"].queryset = Survey.objects.filter(organization=organization)
        zones = sorted(available_timezones())
        self.fields["time_zone"].choices = [(zone, zone) for zone in zones]
        self.header = job.header

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen: dict[str, str] = {}
        for target in TARGETS:
            value = data.get(f"col_{target}")
            if value in (None, ""):
                continue
            if value in chosen:
                self.add_error(
                    f"col_{target}",
                    _("This column already feeds “%(field)s”.")
                    % {"field": TARGET_LABELS[chosen[value]]},
                )
            chosen.setdefault(value, target)
        return data

    def mapping(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {
            t: (int(data[f"col_{t}"]) if data.get(f"col_{t}") not in (None, "") else None)
            for t in TARGETS
        }

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "unit": data["unit"].pk if data.get("unit") else None,
            "touchpoint": data["touchpoint"].pk if data.get("touchpoint") else None,
            "survey": data["survey"].pk if data.get("survey") else None,
            "day_first": data["day_first"],
            "time_zone": data["time_zone"],
            "skip_existing": data["skip_existing"],
        }

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{t}"] for t in TARGETS]

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("col_")]
