from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "danvan.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from danvan.lib import reminders

        from . import agenda, figures, search, tasks

        figures.register()
        reminders.register(tasks.meeting_reminders)
        agenda.register()
        search.register()
