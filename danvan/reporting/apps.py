from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "danvan.reporting"
    label = "reporting"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from danvan.lib import figures, history, reminders, upkeep

        from . import agenda, rollups, search, selectors, tasks
        from .models import Form, level_labels

        reminders.register(tasks.send_late_reminders)
        # `danvan worker` folds the approved reports into the roll-ups.
        upkeep.register(rollups.fold_pending, waiting=("reports_to_fold", rollups.queued))
        figures.register_kept(
            "form_layout", tables=[m._meta.db_table for m in selectors.LAYOUT_TABLES]
        )
        figures.register_kept(
            selectors.REPORTING_UNITS_KEPT,
            tables=[m._meta.db_table for m in selectors.REPORTING_UNITS_TABLES],
        )
        agenda.register()
        search.register()
        history.register_display(Form, "area_levels", lambda v: ", ".join(level_labels(v)))
