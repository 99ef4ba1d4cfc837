from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextAiConfig(AppConfig):
    name = "sillage.textai"
    label = "textai"
    verbose_name = _("Text analytics")
