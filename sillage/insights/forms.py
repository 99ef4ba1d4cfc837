"""The filters of the insights pages, read from the query string (GET forms)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Unit
from sillage.accounts.scope import Scope
from sillage.feedback.models import Journey, Stage, Survey, Touchpoint
from sillage.insights.selectors import Filters, employee_choices, today_for

MAX_DAYS = 3 * 366 + 1
PRESETS = [
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("12m", _("Last 12 months")),
    ("custom", _("Dates below")),
]
GRAIN_CHOICES = [("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter"))]
BAND_CHOICES = [
    ("", _("Any score")),
    ("nps", _("Any NPS answer")),
    ("promoter", _("Promoters (NPS 9–10)")),
    ("passive", _("Passives (NPS 7–8)")),
    ("detractor", _("Detractors (NPS 0–6)")),
    ("csat", _("Any CSAT answer")),
    ("satisfied", _("Satisfied (CSAT 4–5)")),
    ("unsatisfied", _("Not satisfied (CSAT 1–3)")),
    ("ces", _("Any effort (CES) answer")),
    ("easy", _("Easy (CES 5–7)")),
    ("not_easy", _("Not easy (CES 1–4)")),
]
COMMENT_CHOICES = [("", _("With or without")), ("yes", _("With a comment")), ("no", _("Without"))]
LANGUAGE_CHOICES = [("", _("Any language")), ("fr", _("French")), ("en", _("English"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def preset_range(preset: str, today: date) -> tuple[date, date]:
    if preset == "30d":
        return today - timedelta(days=29), today
    if preset == "12m":
        return today - timedelta(days=364), today
    return today - timedelta(days=89), today


class PeriodForm(forms.Form):
    """Period of a dashboard: a preset, or two dates (local days, both included)."""

    period = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    grain = forms.ChoiceField(label=_("Trend by"), choices=GRAIN_CHOICES, required=False)

    def __init__(self, data: Any, *, scope: Scope, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.scope = scope
        self.today = today_for(scope)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
        self.order_fields(["period", "from", "to", "grain"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if data.get("period") in {"", None} and (start or end):
            data["period"] = "custom"
        if data.get("period") == "custom":
            if not start or not end:
                raise forms.ValidationError(_("Give both dates, or choose a preset."))
            if start > end:
                raise forms.ValidationError(_("The first date must come before the second."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of three years at most."))
        return data

    def resolve(self) -> tuple[date, date, str]:
        """(first day, last day, trend grain); defaults when the form is empty or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        grain = data.get("grain") or "month"
        if data.get("period") == "custom":
            return data["from"], data["to"], grain
        start, end = preset_range(data.get("period") or "90d", self.today)
        return start, end, grain

    def for_display(self) -> PeriodForm:
        """The form to show: itself with its errors, or an unbound copy holding the period
        actually shown (preset, dates and grain), so the inputs never disagree with it."""
        if self.is_bound and not self.is_valid():
            return self
        start, end, grain = self.resolve()
        data = self.cleaned_data if self.is_bound else {}
        initial = {**data, "from": start, "to": end, "grain": grain}
        initial["period"] = data.get("period") or "90d"
        return type(self)(None, scope=self.scope, initial=initial)


def unit_label(unit: Unit) -> str:
    return "\u00a0\u00a0" * max(0, unit.depth - 1) + unit.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return unit_label(obj)


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:  # type: ignore[override]
        return obj.name


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Stage) -> str:  # type: ignore[override]
        return f"{obj.journey.name} › {obj.name}"


class TouchpointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Touchpoint) -> str:  # type: ignore[override]
        return f"{obj.stage.journey.name} › {obj.name}"


class ExplorerForm(PeriodForm):
    """The verbatim explorer's filters. Every choice is limited to the viewer's scope."""

    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    subunits = forms.ChoiceField(
        label=_("Sub-units"),
        choices=[("", _("Included")), ("no", _("This unit only"))],
        required=False,
    )
    journey = NamedChoiceField(
        label=_("Journey"),
        queryset=Journey.objects.none(),
        required=False,
        empty_label=_("All journeys"),
    )
    stage = StageChoiceField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False, empty_label=_("All stages")
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        queryset=Touchpoint.objects.none(),
        required=False,
        empty_label=_("All touchpoints"),
    )
    survey = NamedChoiceField(
        label=_("Survey"),
        queryset=Survey.objects.none(),
        required=False,
        empty_label=_("All surveys"),
    )
    band = forms.ChoiceField(label=_("Score"), choices=BAND_CHOICES, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    comment = forms.ChoiceField(label=_("Comment"), choices=COMMENT_CHOICES, required=False)
    employee = forms.ChoiceField(label=_("Employee"), required=False)
    invited = forms.ChoiceField(
        label=_("Invitation"),
        choices=[("", _("Any source")), ("yes", _("Answers to an email invitation"))],
        required=False,
    )
    sentiment = forms.ChoiceField(required=False)  # labels and choices: text analytics
    theme = forms.ChoiceField(required=False)
    q = forms.CharField(
        label=_("Words in the comment"),
        required=False,
        max_length=200,
        help_text=_("Accents and capitals are ignored. Put a phrase in quotes."),
    )

    def __init__(self, data: Any, *, scope: Scope, **kwargs: Any) -> None:
        super().__init__(data, scope=scope, **kwargs)
        self.fields["unit"].queryset = scope.units().order_by("path")
        self.fields["journey"].queryset = Journey.objects.for_scope(scope)
        self.fields["stage"].queryset = (
            Stage.objects.for_scope(scope)
            .select_related("journey")
            .order_by("journey__rank", "journey_id", "rank", "id")
        )
        self.fields["touchpoint"].queryset = Touchpoint.objects.for_scope(scope).select_related(
            "stage__journey"
        )
        self.fields["survey"].queryset = Survey.objects.for_scope(scope).order_by("name_fr")
        self.fields["employee"].choices = [("", _("Anyone")), *employee_choices(scope)]
        from sillage.textai.selectors import explorer_fields

        explorer_fields(self.fields, scope.organization)
        del self.fields["grain"]

    def query(self):  # -> verbatims.Query
        from sillage.insights.verbatims import Query

        start, end, _grain = self.resolve()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        filters = Filters(
            start=start,
            end=end,
            unit=data.get("unit"),
            subunits=data.get("subunits") != "no",
            journey_id=_pk(data.get("journey")),
            stage_id=_pk(data.get("stage")),
            touchpoint_id=_pk(data.get("touchpoint")),
            survey_id=_pk(data.get("survey")),
            language=data.get("language") or None,
            employee_code=data.get("employee") or None,
        )
        return Query(
            filters=filters,
            band=data.get("band") or "",
            comment=data.get("comment") or "",
            invited=data.get("invited") == "yes",
            text=data.get("q") or "",
            sentiment=data.get("sentiment") or "",
            theme=data.get("theme") or "",
        )


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None
