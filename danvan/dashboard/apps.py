from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "danvan.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard and notifications")

    def ready(self) -> None:
        from danvan.lib import notify, reminders

        from . import notifications

        notify.set_delivery(notifications.deliver, notifications.settle)
        reminders.register(notifications.daily_digest)
