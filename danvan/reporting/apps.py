from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "danvan.reporting"
    label = "reporting"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from danvan.lib import figures, reminders

        from . import agenda, search, selectors, tasks

        reminders.register(tasks.send_late_reminders)
        figures.register_kept(
            "form_layout", tables=[m._meta.db_table for m in selectors.LAYOUT_TABLES]
        )
        agenda.register()
        search.register()
