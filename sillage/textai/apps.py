from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextAiConfig(AppConfig):
    name = "sillage.textai"
    label = "textai"
    verbose_name = _("Text analytics")

    def ready(self) -> None:
        from sillage.feedback import hooks
        from sillage.textai import listeners

        hooks.on_responses_recorded(listeners.on_responses_recorded)
        hooks.on_import_committed(listeners.on_import_committed)
