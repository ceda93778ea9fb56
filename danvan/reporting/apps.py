from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "danvan.reporting"
    label = "reporting"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from danvan.lib import reminders

        from . import agenda, search, tasks

        reminders.register(tasks.send_late_reminders)
        agenda.register()
        search.register()
