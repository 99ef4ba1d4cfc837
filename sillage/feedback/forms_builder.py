"""Forms of the journey editor and the survey builder.

They check everything a person can get wrong (or a crafted request can send) and say so in
the viewer's language; the service functions in services_builder write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sillage.accounts.models import Organization
from sillage.feedback.models import (
    SCORE_TYPES,
    Channel,
    Journey,
    Question,
    QuestionType,
    Survey,
    Touchpoint,
)
from sillage.feedback.services_builder import CONDITION_SOURCE_TYPES, scale_of

CODE_HELP = _("Letters, digits, hyphens and underscores; used by imports and the API.")
RATING_BOUNDS = (0, 10)
MAX_REMINDER_DAYS = 60
CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE}
SCALE_TYPES = {*SCORE_TYPES, QuestionType.RATING}

# Follow-up presets offered once the survey has an NPS question: survey content, stored in
# both languages, not interface text.
PRESETS: dict[str, dict[str, Any]] = {
    "detractors": {
        "text_fr": "Que devrions-nous améliorer?",
        "text_en": "What should we improve?",
        "show_if_min": 0,
        "show_if_max": 6,
    },
    "promoters": {
        "text_fr": "Qu’avez-vous apprécié?",
        "text_en": "What did you appreciate?",
        "show_if_min": 9,
        "show_if_max": 10,
    },
}


def mark_languages(form: forms.BaseForm) -> None:
    """Tell the browser each text's language (spell-checking, screen-reader voice)."""
    for name, field in form.fields.items():
        if name.endswith("_fr") or name == "fr":
            field.widget.attrs["lang"] = "fr"
        elif name.endswith("_en") or name == "en":
            field.widget.attrs["lang"] = "en"


def _text(label: Any, *, required: bool = False, rows: int | None = None, **kw: Any) -> Any:
    if rows:
        return forms.CharField(
            label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kw
        )
    return forms.CharField(label=label, required=required, **kw)


class BilingualNamedForm(forms.Form):
    name_fr = _text(_("Name in French"), required=True, max_length=200)
    name_en = _text(_("Name in English"), max_length=200)
    description_fr = _text(_("Description in French"), rows=2)
    description_en = _text(_("Description in English"), rows=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("name_fr", "name_en", "description_fr", "description_en"):
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data


class CodedForm(BilingualNamedForm):
    """A form whose `code` is unique within the organisation for its model."""

    model: type = Journey
    code = forms.SlugField(label=_("Code"), max_length=60, help_text=CODE_HELP)

    def __init__(
        self, *args: Any, organization: Organization, instance: Any = None, **kwargs: Any
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        mark_languages(self)
        self.organization, self.instance = organization, instance

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].lower()
        taken = self.model.objects.filter(organization=self.organization, code=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(self.code_taken_message)
        return code

    code_taken_message = _("Another journey already uses this code.")


class JourneyForm(CodedForm):
    model = Journey
    field_order = ["name_fr", "name_en", "code", "description_fr", "description_en", "is_active"]
    is_active = forms.BooleanField(
        label=_("Active (offered when creating surveys and links)"), required=False, initial=True
    )
    code_taken_message = _("Another journey already uses this code.")


class StageForm(BilingualNamedForm):
    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        mark_languages(self)
        self.instance = instance


class TouchpointForm(CodedForm):
    model = Touchpoint
    field_order = ["name_fr", "name_en", "code", "channel", "description_fr", "description_en"]
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    code_taken_message = _("Another touchpoint already uses this code.")


class TouchpointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Touchpoint) -> str:
        return f"{obj.stage.journey.name} › {obj.stage.name} › {obj.name}"


class SurveyForm(forms.Form):
    name_fr = _text(_("Name in French"), required=True, max_length=200)
    name_en = _text(_("Name in English"), max_length=200)
    intro_fr = _text(_("Introduction in French"), rows=2)
    intro_en = _text(_("Introduction in English"), rows=2)
    thanks_fr = _text(_("Thank-you message in French"), rows=2)
    thanks_en = _text(_("Thank-you message in English"), rows=2)
    touchpoint = TouchpointChoiceField(
        queryset=Touchpoint.objects.none(),
        required=False,
        label=_("Default touchpoint"),
        empty_label=_("— none —"),
        help_text=_("Where this survey is usually asked; links may name another touchpoint."),
    )
    reminder_after_days = forms.IntegerField(
        label=_("Send one reminder after (days)"),
        initial=3,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_REMINDER_DAYS)],
        help_text=_("0: no reminder."),
    )

    def __init__(
        self, *args: Any, organization: Organization, instance: Survey | None = None, **kw: Any
    ) -> None:
        if instance is not None and "initial" not in kw:
            kw["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kw)
        mark_languages(self)
        # Inactive journeys are not offered, but a survey keeps the touchpoint it already has.
        current = (
            Q(pk=instance.touchpoint_id) if instance and instance.touchpoint_id else Q(pk=None)
        )
        self.fields["touchpoint"].queryset = (
            Touchpoint.objects.filter(organization=organization)
            .filter(Q(stage__journey__is_active=True) | current)
            .select_related("stage__journey")
        )


# Questions -----------------------------------------------------------------------------------


class ChoiceRowForm(forms.Form):
    value = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    fr = _text(_("Choice in French"), max_length=200)
    en = _text(_("Choice in English"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_languages(self)


class BaseChoiceFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, str]]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not (data.get("fr", "").strip() or data.get("en", "").strip()):
                continue
            rows.append(
                {"value": data.get("value", ""), "fr": data["fr"].strip(), "en": data["en"].strip()}
            )
        return rows

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_("Add at least one choice."))
        for language in ("fr", "en"):
            texts = [r[language].casefold() for r in rows if r[language]]
            if len(texts) != len(set(texts)):
                raise forms.ValidationError(_("Two choices have the same text."))


ChoiceFormSet = forms.formset_factory(
    ChoiceRowForm, formset=BaseChoiceFormSet, extra=0, can_delete=True, max_num=30
)


def condition_sources(survey: Survey, before: Question | None) -> list[Question]:
    """Questions a follow-up may depend on: score questions placed before it."""
    questions = list(survey.questions.all())
    if before is not None:
        questions = questions[: next(i for i, q in enumerate(questions) if q.pk == before.pk)]
    return [q for q in questions if q.type in CONDITION_SOURCE_TYPES]


FIELDSETS = [
    ("question", _("Question"), ["text_fr", "text_en", "help_fr", "help_en", "required"]),
    (
        "scale",
        _("Scale"),
        ["min_value", "max_value", "min_label_fr", "min_label_en", "max_label_fr", "max_label_en"],
    ),
    ("condition", _("Follow-up condition"), ["show_if_key", "show_if_min", "show_if_max"]),
]


class QuestionForm(forms.Form):
    """One question of a given type; the type decides which fields exist."""

    text_fr = _text(_("Question in French"), rows=2, max_length=1000)
    text_en = _text(_("Question in English"), rows=2, max_length=1000)
    help_fr = _text(_("Help text in French"), max_length=300)
    help_en = _text(_("Help text in English"), max_length=300)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    min_value = forms.IntegerField(label=_("Lowest value"), initial=1)
    max_value = forms.IntegerField(label=_("Highest value"), initial=5)
    min_label_fr = _text(_("Label of the lowest value in French"), max_length=100)
    min_label_en = _text(_("Label of the lowest value in English"), max_length=100)
    max_label_fr = _text(_("Label of the highest value in French"), max_length=100)
    max_label_en = _text(_("Label of the highest value in English"), max_length=100)
    show_if_key = forms.CharField(
        label=_("Show this question"),
        required=False,
        help_text=_("A follow-up question appears only for some answers to a score question."),
    )
    show_if_min = forms.IntegerField(label=_("when the answer is at least"), required=False)
    show_if_max = forms.IntegerField(label=_("and at most"), required=False)

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        question_type: str,
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        mark_languages(self)
        self.survey, self.question_type, self.question = survey, question_type, question
        self.sources = {q.key: q for q in condition_sources(survey, question)}
        if question_type != QuestionType.RATING:
            del self.fields["min_value"], self.fields["max_value"]
        else:
            for name in ("min_value", "max_value"):
                self.fields[name].widget.attrs.update(min=RATING_BOUNDS[0], max=RATING_BOUNDS[1])
        if question_type not in SCALE_TYPES:
            for name in ("min_label_fr", "min_label_en", "max_label_fr", "max_label_en"):
                del self.fields[name]
        if question_type == QuestionType.CONSENT:
            del self.fields["required"]  # agreeing to be contacted is always optional
            self.fields["text_fr"].help_text = _("Empty: the standard consent sentence is shown.")
        if not self.sources:
            for name in ("show_if_key", "show_if_min", "show_if_max"):
                del self.fields[name]
            return
        self.fields["show_if_key"].widget = forms.Select(
            choices=[("", _("always"))]
            + [
                (
                    key,
                    _("depending on the answer to “%(question)s” (%(key)s)")
                    % {"question": q.text or key, "key": key},
                )
                for key, q in self.sources.items()
            ]
        )

    def fieldsets(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        """The fields of this type, grouped: (key, legend, fields)."""
        groups = []
        for key, legend, names in FIELDSETS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                groups.append((key, legend, fields))
        return groups

    def clean_show_if_key(self) -> str:
        key = self.cleaned_data.get("show_if_key", "").strip()
        if key and key not in self.sources:
            raise forms.ValidationError(
                _(
                    "A follow-up can only depend on a score question (NPS, satisfaction, effort "
                    "or rating) placed before it."
                )
            )
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = value.strip()
        if self.question_type != QuestionType.CONSENT and not (
            data.get("text_fr") or data.get("text_en")
        ):
            self.add_error("text_fr", _("Write the question in French, in English, or both."))
        if self.question_type == QuestionType.RATING:
            self._clean_rating(data)
        self._clean_condition(data)
        return data

    def _clean_rating(self, data: dict[str, Any]) -> None:
        low, high = data.get("min_value"), data.get("max_value")
        for name, value in (("min_value", low), ("max_value", high)):
            if value is not None and not RATING_BOUNDS[0] <= value <= RATING_BOUNDS[1]:
                self.add_error(
                    name,
                    _("Choose a value from %(min)s to %(max)s.")
                    % {"min": RATING_BOUNDS[0], "max": RATING_BOUNDS[1]},
                )
                return
        if low is not None and high is not None and low >= high:
            self.add_error(
                "max_value", _("The highest value must be greater than the lowest value.")
            )

    def _clean_condition(self, data: dict[str, Any]) -> None:
        key, low, high = data.get("show_if_key"), data.get("show_if_min"), data.get("show_if_max")
        if not key:
            if low is not None or high is not None:
                self.add_error("show_if_key", _("Choose the question this one depends on."))
            return
        if key not in self.sources:
            return  # already reported by clean_show_if_key
        if low is None and high is None:
            self.add_error("show_if_min", _("Give the lowest answer, the highest, or both."))
            return
        scale_min, scale_max = scale_of(self.sources[key])
        for name, value in (("show_if_min", low), ("show_if_max", high)):
            if value is not None and not scale_min <= value <= scale_max:
                self.add_error(
                    name,
                    _("“%(key)s” is answered from %(min)s to %(max)s.")
                    % {"key": key, "min": scale_min, "max": scale_max},
                )
                return
        if low is not None and high is not None and low > high:
            self.add_error("show_if_max", _("The highest answer cannot be below the lowest."))

    def values(self) -> dict[str, Any]:
        """What the service stores, from the cleaned data (options excluding choices)."""
        data = self.cleaned_data
        key = data.get("show_if_key", "")
        fields: dict[str, Any] = {
            "text_fr": data["text_fr"],
            "text_en": data["text_en"],
            "help_fr": data["help_fr"],
            "help_en": data["help_en"],
            "required": data.get("required", False),
            "show_if_key": key,
            "show_if_min": data.get("show_if_min") if key else None,
            "show_if_max": data.get("show_if_max") if key else None,
        }
        options: dict[str, Any] = {}
        if self.question_type == QuestionType.RATING:
            options.update(min=data["min_value"], max=data["max_value"])
        if self.question_type in SCALE_TYPES:
            for name in ("min_label_fr", "min_label_en", "max_label_fr", "max_label_en"):
                if data.get(name):
                    options[name] = data[name]
        fields["options"] = options
        return fields


def question_initial(question: Question) -> dict[str, Any]:
    options = question.options or {}
    initial: dict[str, Any] = {
        name: getattr(question, name)
        for name in (
            "text_fr",
            "text_en",
            "help_fr",
            "help_en",
            "required",
            "show_if_key",
            "show_if_min",
            "show_if_max",
        )
    }
    initial.update({k: v for k, v in options.items() if k.endswith(("_fr", "_en"))})
    if question.type == QuestionType.RATING:
        initial.update(min_value=options.get("min", 1), max_value=options.get("max", 5))
    return initial


class QuestionEditor:
    """The question form and, for choice questions, its list of choices, checked together."""

    def __init__(
        self,
        data: Any = None,
        *,
        survey: Survey,
        question_type: str,
        question: Question | None = None,
        initial: dict[str, Any] | None = None,
        extra_choices: int = 0,
    ) -> None:
        self.survey, self.question_type, self.question = survey, question_type, question
        if question is not None and initial is None:
            initial = question_initial(question)
        self.form = QuestionForm(
            data, survey=survey, question_type=question_type, question=question, initial=initial
        )
        self.choices = None
        if question_type in CHOICE_TYPES:
            rows = (initial or {}).get("choices")
            if rows is None:
                rows = (question.options or {}).get("choices", []) if question else []
            formset_class = forms.formset_factory(
                ChoiceRowForm,
                formset=BaseChoiceFormSet,
                extra=extra_choices or (2 if len(rows) < 2 else 1),
                can_delete=True,
                max_num=30,
            )
            self.choices = formset_class(data, initial=rows, prefix="choices")

    @property
    def type_label(self) -> str:
        return QuestionType(self.question_type).label

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        if self.choices is not None:
            valid = self.choices.is_valid() and valid
        return valid

    def values(self) -> dict[str, Any]:
        values = self.form.values()
        if self.choices is not None:
            values["options"]["choices"] = self.choices.rows()
        return values


def editor_with_more_choices(
    data: Any, *, survey: Survey, question_type: str, question: Question | None
) -> QuestionEditor:
    """The same editor, unbound, with what was typed so far and one more empty choice row:
    the "add a choice" button works without JavaScript."""
    initial = {name: data.get(name, "") for name in QuestionForm.base_fields}
    initial["required"] = bool(data.get("required"))
    rows = []
    total = data.get("choices-TOTAL_FORMS", "0")
    total = min(int(total) if str(total).isdigit() else 0, 30)
    for index in range(total):
        prefix = f"choices-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        row = {name: data.get(prefix + name, "") for name in ("value", "fr", "en")}
        if row["fr"] or row["en"]:
            rows.append(row)
    initial["choices"] = rows
    return QuestionEditor(
        survey=survey,
        question_type=question_type,
        question=question,
        initial=initial,
        extra_choices=max(1, total + 1 - len(rows)),
    )


def preset_initial(survey: Survey, preset: str) -> dict[str, Any] | None:
    """Initial values of a follow-up preset, tied to the survey's first NPS question."""
    if preset not in PRESETS:
        return None
    nps = next((q for q in survey.questions.all() if q.type == QuestionType.NPS), None)
    if nps is None:
        return None
    return {**PRESETS[preset], "show_if_key": nps.key}
