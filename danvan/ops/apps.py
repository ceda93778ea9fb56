import atexit

from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures


class OpsConfig(AppConfig):
    """Running the install: the daily scheduler, heartbeats, backups and restore."""

    name = "danvan.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # Derived figures are kept between requests until a write to what they count.
        connection_created.connect(figures.watch_writes)
        pre_migrate.connect(figures.pause_watching)
        post_migrate.connect(figures.forget_all)
        # A request holds the tokens it read to its end (first: flush_all may raise).
        request_started.connect(figures.request_started)
        request_finished.connect(figures.request_ended)
        request_finished.connect(figures.flush_all)
        # A shell's or script's last write outside a transaction, with no statement after it.
        atexit.register(figures.flush_all)
