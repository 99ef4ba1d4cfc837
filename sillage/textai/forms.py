"""Forms of the text analytics settings: the engine, the weekly email, the taxonomy."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from sillage.textai.models import Theme

MAX_KEYWORDS = 80


def _lines(text: str, separators: str = r"[\n,;]") -> list[str]:
    items = [item.strip() for item in re.split(separators, text or "")]
    return list(dict.fromkeys(item for item in items if item))


class SettingsForm(forms.Form):
    engine = forms.ChoiceField(label=_("Engine"))
    email_emerging = forms.BooleanField(
        label=_("Email the emerging topics to CX leads each week"), required=False
    )

    def __init__(self, *args: Any, engines: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engine"].choices = engines


class ThemeForm(forms.Form):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120)
    name_en = forms.CharField(
        label=_("Name (English)"), max_length=120, widget=forms.TextInput(attrs={"lang": "en"})
    )
    keywords_fr = forms.CharField(
        label=_("Keywords (French)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
        required=False,
        help_text=_("Words or word starts, separated by commas or new lines."),
    )
    keywords_en = forms.CharField(
        label=_("Keywords (English)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        required=False,
        help_text=_("Words or word starts, separated by commas or new lines."),
    )
    examples = forms.CharField(
        label=_("Example sentences"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One sentence a line, in either language."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, organization: Any, theme: Theme | None = None, **kwargs):
        if theme is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name_fr": theme.name_fr,
                "name_en": theme.name_en,
                "keywords_fr": ", ".join(theme.keywords_fr),
                "keywords_en": ", ".join(theme.keywords_en),
                "examples": "\n".join(theme.examples),
                "active": theme.active,
            }
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.theme = theme

    def _keywords(self, name: str) -> list[str]:
        words = _lines(self.cleaned_data.get(name, ""))
        if len(words) > MAX_KEYWORDS:
            raise forms.ValidationError(
                _("At most %(count)s keywords per language.") % {"count": MAX_KEYWORDS}
            )
        return [w[:60] for w in words]

    def clean_keywords_fr(self) -> list[str]:
        return self._keywords("keywords_fr")

    def clean_keywords_en(self) -> list[str]:
        return self._keywords("keywords_en")

    def clean_examples(self) -> list[str]:
        return [line[:500] for line in _lines(self.cleaned_data.get("examples", ""), r"\n")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.theme is None and data.get("name_en"):
            code = slugify(data["name_en"]).replace("-", "_")[:50] or "theme"
            base, index = code, 2
            taken = set(
                Theme.objects.filter(organization=self.organization).values_list("code", flat=True)
            )
            while code in taken:
                code, index = f"{base}_{index}", index + 1
            data["code"] = code
        return data
