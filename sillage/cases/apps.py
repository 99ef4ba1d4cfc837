from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sillage.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from sillage.cases import listeners
        from sillage.feedback import hooks

        hooks.on_responses_recorded(listeners.on_responses_recorded)
