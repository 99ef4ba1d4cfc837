"""Forms of workshops and team actions."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Membership, Unit, User
from sillage.accounts.scope import Scope
from sillage.workshops.access import can_run_in, is_facilitator_member
from sillage.workshops.models import ActionStatus, Criterion, Metric, Mode, Pillar

SCORE_CHOICES = [(str(i), str(i)) for i in range(1, 6)]


class UnitLabelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u00a0\u00a0" * max(0, obj.depth - 1) + obj.name


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class WorkshopForm(forms.Form):
    unit = UnitLabelChoice(label=_("Team"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    mode = forms.ChoiceField(label=_("Format"), choices=Mode.choices, widget=forms.RadioSelect)
    metric = forms.ChoiceField(label=_("Customer score to predict"), choices=Metric.choices)
    votes_per_person = forms.IntegerField(
        label=_("Votes per participant"), min_value=1, max_value=10, initial=3
    )

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = (
            Unit.objects.for_organization(scope.organization)
            if is_facilitator_member(scope)
            else scope.units()
        )
        member_units = Membership.objects.active().filter(organization=scope.organization)
        self.fields["unit"].queryset = units.filter(
            archived_at__isnull=True, pk__in=member_units.values("unit_id")
        ).order_by("path")
        self.scope = scope
        self.initial.setdefault("mode", Mode.IN_PERSON)
        self.initial.setdefault(
            "scheduled_at", (timezone.localtime() + timedelta(days=7)).replace(minute=0, second=0)
        )

    def clean_unit(self) -> Unit:
        unit = self.cleaned_data["unit"]
        if not can_run_in(self.scope, unit):
            raise forms.ValidationError(_("You may not run a workshop for this team."))
        return unit


class IdeaForm(forms.Form):
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Your idea"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    concrete = forms.BooleanField(label=Criterion.CONCRETE.label, required=False)
    immediate = forms.BooleanField(label=Criterion.IMMEDIATE.label, required=False)
    own_power = forms.BooleanField(label=Criterion.OWN_POWER.label, required=False)
    note = forms.CharField(
        label=_("Note for the parking lot (optional)"), max_length=300, required=False
    )


class RecheckForm(forms.Form):
    concrete = forms.BooleanField(label=Criterion.CONCRETE.label, required=False)
    immediate = forms.BooleanField(label=Criterion.IMMEDIATE.label, required=False)
    own_power = forms.BooleanField(label=Criterion.OWN_POWER.label, required=False)
    note = forms.CharField(label=_("Why (parking lot)"), max_length=300, required=False)


class FeedbackForm(forms.Form):
    energising = forms.TypedChoiceField(
        label=_("Was this workshop energising?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    engaging = forms.TypedChoiceField(
        label=_("Was it engaging?"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    concrete = forms.TypedChoiceField(
        label=_("Was it concrete?"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )


class CommitForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owners = UserChoice(
        label=_("Owners"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    first_step = forms.CharField(label=_("First step"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    responses = forms.TypedMultipleChoiceField(
        label=_("Verbatims that motivated it"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, unit: Unit, verbatims: list, prefix: str = "", **kwargs) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["owners"].queryset = User.objects.filter(
            memberships__unit=unit, memberships__is_active=True
        ).order_by("first_name", "last_name")
        self.fields["responses"].choices = [(v.id, f"« {v.comment[:140]} »") for v in verbatims]
        self.initial.setdefault("due_date", timezone.localdate() + timedelta(weeks=4))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    reason = forms.CharField(label=_("Why it was dropped"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("status") == ActionStatus.DROPPED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the action is dropped."))
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_evidence = forms.BooleanField(label=_("This is evidence of an effect"), required=False)


class AdoptForm(forms.Form):
    unit = UnitLabelChoice(label=_("Team"), queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.for_scope(scope).active()
        self.fields["unit"].queryset = (
            scope.units()
            .filter(archived_at__isnull=True, pk__in=members.values("unit_id"))
            .order_by("path")
        )
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=members.values("user_id")
        ).order_by("first_name", "last_name")
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.email
        if scope.membership is not None:
            self.initial.setdefault("unit", scope.membership.unit_id)
            self.initial.setdefault("owner", scope.membership.user_id)
        self.initial.setdefault("due_date", timezone.localdate() + timedelta(weeks=4))
