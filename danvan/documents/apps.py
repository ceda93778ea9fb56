from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "danvan.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from . import search

        search.register()
