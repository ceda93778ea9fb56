from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationConfig(AppConfig):
    name = "danvan.situation"
    label = "situation"
    verbose_name = _("People's situation")

    def ready(self) -> None:
        from danvan.documents import references
        from danvan.lib import reminders

        from . import agenda, citations, figures, search, tasks

        references.register(citations.SOURCE)
        figures.register()
        reminders.register(tasks.compute_alerts)
        agenda.register()
        search.register()
