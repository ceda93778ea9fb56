from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "danvan.practices"
    label = "practices"
    verbose_name = _("Skillful mass mobilization")

    def ready(self) -> None:
        from . import figures, search

        figures.register()
        search.register()
