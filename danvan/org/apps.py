from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "danvan.org"
    label = "org"
    verbose_name = _("Areas and organisations")

    def ready(self) -> None:
        from danvan.lib import figures, pickers

        from . import agenda, search
        from .models import Area, Organization

        agenda.register()
        search.register()
        # The unit and area pickers' choices, kept until a unit or an area is written.
        figures.register_kept(
            pickers.KEPT_AS, tables=[Organization._meta.db_table, Area._meta.db_table]
        )
