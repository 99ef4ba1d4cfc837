from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization, Unit
from sillage.pulse.bank import SECTION_ORDER
from sillage.pulse.models import Campaign, Dimension, Item, ItemKind, Tenure, Wave

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

AGREEMENT_LABELS = (
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
)


class DateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * (obj.depth - 1) + f"{obj.name} ({obj.code})"


class CampaignForm(forms.ModelForm):
    opens_at = DateTimeField(label=_("Opens"))
    closes_at = DateTimeField(label=_("Closes"))
    items = forms.ModelMultipleChoiceField(
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Questions"),
    )

    class Meta:
        model = Campaign
        fields = [
            "name_fr",
            "name_en",
            "audience",
            "recurrence",
            "opens_at",
            "closes_at",
            "reminder_after_days",
            "comment_threshold",
        ]

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["audience"] = UnitChoiceField(
            queryset=Unit.objects.filter(organization=organization).active(),
            required=False,
            label=_("Audience"),
            empty_label=_("The whole organisation"),
            help_text=_("A unit and everything under it."),
        )
        self.fields["items"].queryset = Item.objects.filter(
            organization=organization, retired_at__isnull=True
        )
        self.fields["comment_threshold"].min_value = organization.anonymity_threshold
        if self.instance.pk:
            self.initial["items"] = [ci.item_id for ci in self.instance.campaign_items.all()]
        else:
            self.initial.setdefault(
                "items", [i.pk for i in self.fields["items"].queryset if i.is_core]
            )

    def item_sections(self) -> list[tuple[str, list[tuple[Item, bool]]]]:
        """The bank grouped by what it measures, for the checkboxes."""
        chosen = {str(v) for v in (self["items"].value() or [])}
        labels = dict(Dimension.choices)
        items = list(self.fields["items"].queryset)
        sections = []
        for dimension in SECTION_ORDER:
            entries = [(i, str(i.pk) in chosen) for i in items if i.dimension == dimension]
            if entries:
                sections.append((str(labels[dimension]), entries))
        return sections

    def clean_comment_threshold(self) -> int:
        value = self.cleaned_data["comment_threshold"]
        if value < self.organization.anonymity_threshold:
            raise forms.ValidationError(
                _("At least the anonymity threshold (%(n)s).")
                % {"n": self.organization.anonymity_threshold}
            )
        return value


class CustomItemForm(forms.Form):
    text_fr = forms.CharField(label=_("Statement (French)"), max_length=300, widget=forms.TextInput)
    text_en = forms.CharField(
        label=_("Statement (English)"), max_length=300, widget=forms.TextInput
    )


class AnswerForm(forms.Form):
    """The questionnaire of one wave: every agreement item, eNPS, tenure, the comment."""

    def __init__(self, *args: object, wave: Wave, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.items = [wi.item for wi in wave.wave_items.select_related("item").order_by("rank")]
        for item in self.items:
            if item.kind == ItemKind.AGREEMENT:
                self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                    label=item.text,
                    choices=AGREEMENT_LABELS,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )
            elif item.kind == ItemKind.ENPS:
                self.fields["enps"] = forms.TypedChoiceField(
                    label=item.text,
                    choices=[(n, str(n)) for n in range(11)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose a number from 0 to 10.")},
                )
            elif item.kind == ItemKind.COMMENT:
                self.fields["comment"] = forms.CharField(
                    label=item.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
        self.fields["tenure"] = forms.ChoiceField(
            label=_("How long have you worked for the organisation?"),
            choices=Tenure.choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose an answer.")},
        )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The agreement statements grouped by section, customers first."""
        labels = dict(Dimension.choices)
        titles = {
            Dimension.CUSTOMERS: _("Our customers"),
            Dimension.SENIOR_MANAGEMENT: labels[Dimension.SENIOR_MANAGEMENT],
            Dimension.SUPERVISOR: _("My immediate supervisor"),
            Dimension.COLLEAGUES: _("My colleagues"),
            Dimension.OTHER_TEAMS: labels[Dimension.OTHER_TEAMS],
            Dimension.WANT: _("Wanting, being able, being valued"),
            Dimension.CUSTOM: _("A few more questions"),
        }
        # know, can and motivation belong with customers; the pillars share one section.
        section_of = {
            Dimension.KNOW: Dimension.CUSTOMERS,
            Dimension.CAN: Dimension.CUSTOMERS,
            Dimension.MOTIVATION: Dimension.CUSTOMERS,
            Dimension.ABLE: Dimension.WANT,
            Dimension.BE: Dimension.WANT,
        }
        grouped: dict[str, list[forms.BoundField]] = {}
        order = {d: i for i, d in enumerate(SECTION_ORDER)}
        agreement = sorted(
            (i for i in self.items if i.kind == ItemKind.AGREEMENT),
            key=lambda i: (order.get(i.dimension, 99), i.rank, i.pk),
        )
        for item in agreement:
            section = section_of.get(item.dimension, item.dimension)
            grouped.setdefault(section, []).append(self[f"item_{item.pk}"])
        return [(str(titles.get(s, labels.get(s, s))), fields) for s, fields in grouped.items()]

    def agreement(self) -> dict[int, int]:
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }
