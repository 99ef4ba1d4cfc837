from __future__ import annotations

from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import (
    LANGUAGE_CHOICES,
    ApiToken,
    Membership,
    Organization,
    Role,
    Unit,
    UnitType,
    User,
)

MAX_LOGO_BYTES = 512 * 1024


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * (obj.depth - 1) + f"{obj.name} ({obj.code})"


def _unit_field(organization: Organization, **kwargs: object) -> UnitChoiceField:
    return UnitChoiceField(
        queryset=Unit.objects.filter(organization=organization).active(), **kwargs
    )


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name_fr", "name_en", "unit_type"]

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["unit_type"].queryset = UnitType.objects.filter(organization=organization)
        if self.instance.pk is None:
            self.fields["parent"] = _unit_field(
                organization,
                required=False,
                label=_("Parent unit"),
                empty_label=_("— none (a root) —"),
            )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        taken = Unit.objects.filter(organization=self.organization, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another unit already uses this code."))
        return code


class UnitMoveForm(forms.Form):
    new_parent = UnitChoiceField(queryset=Unit.objects.none(), label=_("New parent unit"))

    def __init__(self, *args: object, unit: Unit, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            Unit.objects.filter(organization_id=unit.organization_id)
            .active()
            .exclude(path__startswith=unit.path)
        )


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "unit",
            "role",
            "job_title",
            "employee_code",
            "is_facilitator",
            "is_ambassador",
            "is_active",
        ]

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(organization, label=_("Unit"))
        self.organization = organization

    def clean_employee_code(self) -> str:
        code = self.cleaned_data["employee_code"].strip()
        if code:
            taken = Membership.objects.filter(organization=self.organization, employee_code=code)
            if taken.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("Another person already has this code."))
        return code


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EMPLOYEE)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("", _("The organisation's language")), *LANGUAGE_CHOICES],
        required=False,
    )
    employee_code = forms.CharField(label=_("Employee code"), max_length=40, required=False)
    is_facilitator = forms.BooleanField(label=_("Workshop facilitator"), required=False)
    is_ambassador = forms.BooleanField(label=_("CX ambassador"), required=False)

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["unit"].queryset = Unit.objects.filter(organization=organization).active()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(organization=self.organization, user__email=email).exists():
            raise forms.ValidationError(_("This person is already a member of the organisation."))
        return email

    def clean_employee_code(self) -> str:
        code = self.cleaned_data["employee_code"].strip()
        if (
            code
            and Membership.objects.filter(
                organization=self.organization, employee_code=code
            ).exists()
        ):
            raise forms.ValidationError(_("Another person already has this code."))
        return code


class OrganizationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = Organization
        fields = [
            "name",
            "default_language",
            "time_zone",
            "anonymity_threshold",
            "brand_colour",
            "logo",
            "contact_frequency_days",
        ]
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))
        self.fields["time_zone"].choices = [(z, z) for z in zones]
        self.fields["anonymity_threshold"].widget.attrs["min"] = 3

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be smaller than 512 KB."))
        return logo


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "role", "unit"]

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(organization, label=_("Unit"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("role") in {Role.MANAGER, Role.EMPLOYEE} and not data.get("unit"):
            self.add_error("unit", _("A manager or employee token needs a unit."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows-1252, separated by commas or semicolons."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"), required=False, initial=True
    )
    send_invitations = forms.BooleanField(
        label=_("Email an invitation to each new person"), required=False
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]


class AcceptInvitationForm(SetPasswordForm):
    pass
