from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "danvan.org"
    label = "org"
    verbose_name = _("Areas and organisations")

    def ready(self) -> None:
        from . import agenda, search

        agenda.register()
        search.register()
