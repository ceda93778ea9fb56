from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "danvan.programs"
    label = "programs"
    verbose_name = _("Coordination programmes")

    def ready(self) -> None:
        from danvan.documents import references
        from danvan.lib import reminders

        from . import agenda, citations, figures, search, tasks

        references.register(citations.SOURCE)
        figures.register()
        reminders.register(tasks.send_task_reminders)
        agenda.register()
        search.register()
