from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "danvan.oversight"
    label = "oversight"
    verbose_name = _("Inspection and supervision")

    def ready(self) -> None:
        from danvan.documents import references
        from danvan.lib import reminders

        from . import agenda, citations, figures, search, tasks

        references.register(citations.SOURCE)
        figures.register()
        reminders.register(tasks.send_recommendation_reminders)
        agenda.register()
        search.register()
