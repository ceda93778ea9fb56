from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "danvan.dialogue"
    label = "dialogue"
    verbose_name = _("Dialogue and petitions")

    def ready(self) -> None:
        from danvan.lib import reminders

        from . import agenda, figures, search, tasks

        figures.register()
        reminders.register(tasks.petition_reminders)
        reminders.register(tasks.daily_upkeep)
        agenda.register()
        search.register()
