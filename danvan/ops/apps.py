from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the install: the daily scheduler, heartbeats, backups and restore."""

    name = "danvan.ops"
    label = "ops"
    verbose_name = _("Operations")
