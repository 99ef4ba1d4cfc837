"""Forms of the closed loop: working a case, alert rules, the SLA policy, root causes."""

from __future__ import annotations

from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from sillage.cases.models import (
    AlertRule,
    CasePolicy,
    CaseStatus,
    ContactChannel,
    ContactOutcome,
    Holiday,
    Priority,
    RootCause,
)
from sillage.feedback.models import Journey, Touchpoint

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    body = forms.CharField(
        label=_("What was said"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    expected_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to resolve: what was done for the customer."),
    )
    root_cause = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.none(), required=False
    )
    send_follow_up = forms.BooleanField(
        label=_("Send the customer the one-question follow-up (“did we resolve your issue?”)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].queryset = RootCause.objects.filter(
            organization=organization, is_active=True
        )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class OpenCaseForm(forms.Form):
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = [
            "name_fr",
            "name_en",
            "is_active",
            "nps_min",
            "nps_max",
            "csat_min",
            "csat_max",
            "ces_min",
            "ces_max",
            "keywords",
            "journey",
            "touchpoint",
            "priority",
            "opens_case",
        ]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["journey"].queryset = Journey.objects.filter(organization=organization)
        self.fields["touchpoint"].queryset = Touchpoint.objects.filter(organization=organization)

    def clean(self):
        data = super().clean()
        any_condition = bool(data.get("keywords", "").strip())
        for name, (low, high) in SCALES.items():
            start, end = data.get(f"{name}_min"), data.get(f"{name}_max")
            for field, value in ((f"{name}_min", start), (f"{name}_max", end)):
                if value is not None and not low <= value <= high:
                    self.add_error(
                        field,
                        _("Between %(low)s and %(high)s.") % {"low": low, "high": high},
                    )
            if start is not None and end is not None and start > end:
                self.add_error(f"{name}_max", _("The end is below the start."))
            any_condition = any_condition or start is not None or end is not None
        any_condition = any_condition or data.get("journey") or data.get("touchpoint")
        if not any_condition:
            raise forms.ValidationError(_("Set at least one condition: a score, words, a place."))
        return data


class PolicyForm(forms.ModelForm):
    workdays_list = forms.MultipleChoiceField(
        label=_("Working days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CasePolicy
        fields = [
            "time_zone",
            "opens_at",
            "closes_at",
            "warn_percent",
            "alert_window_days",
            "follow_up_enabled",
        ]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}),
            "closes_at": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workdays_list"].initial = self.instance.workdays.split(",")
        for priority, label in Priority.choices:
            first, resolution = self.instance.delay_minutes(priority)
            self.fields[f"first_{priority}"] = forms.DecimalField(
                label=_("%(priority)s: first contact within (business hours)")
                % {"priority": label},
                min_value=0.25,
                max_value=2000,
                decimal_places=2,
                initial=round(first / 60, 2),
            )
            self.fields[f"resolve_{priority}"] = forms.DecimalField(
                label=_("%(priority)s: resolved within (business hours)") % {"priority": label},
                min_value=0.25,
                max_value=5000,
                decimal_places=2,
                initial=round(resolution / 60, 2),
            )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value and value not in available_timezones():
            raise forms.ValidationError(_("Unknown time zone."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", _("Closing comes after opening."))
        return data

    def save(self, commit: bool = True) -> CasePolicy:
        policy = super().save(commit=False)
        policy.workdays = ",".join(sorted(self.cleaned_data["workdays_list"]))
        policy.delays = {
            p: [
                round(float(self.cleaned_data[f"first_{p}"]) * 60),
                round(float(self.cleaned_data[f"resolve_{p}"]) * 60),
            ]
            for p in Priority.values
        }
        if commit:
            policy.save()
        return policy


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name_fr", "name_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class RootCauseForm(forms.ModelForm):
    class Meta:
        model = RootCause
        fields = ["code", "name_fr", "name_en", "rank", "is_active"]


class PreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        label=_("Send me a daily summary of my open cases by email"), required=False
    )


class FollowUpAnswerForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Did we resolve your issue?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    nps = forms.TypedChoiceField(
        label=_("How likely are you now to recommend us to a friend or relative?"),
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
