from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "sillage.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from sillage.accounts import hooks as account_hooks
        from sillage.feedback import hooks
        from sillage.insights import listeners

        hooks.on_responses_recorded(listeners.on_responses_recorded)
        hooks.on_import_committed(listeners.on_import_committed)
        account_hooks.on_time_zone_changed(listeners.on_time_zone_changed)
