"""Background jobs of periodic reporting (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from danvan.lib import periods

from . import report, services_levels
from .models import ReportExport


@task()
def send_late_reminders() -> int:
    """The daily reminder run: units whose report is past its deadline, each once."""
    return services_levels.send_late_reminders()


@task()
def build_report(export_id: int) -> str:
    """Build a consolidated report, recording progress the page's bar shows."""
    export = ReportExport.objects.select_related("form", "organization__area").get(pk=export_id)

    def progress(percent: int) -> None:
        services_levels.export_progress(export_id=export.pk, percent=percent)

    progress(5)
    try:
        data = report.build(
            export.form,
            export.organization,
            periods.parse(export.period),
            export.file_format,
            progress,
        )
    except Exception as exc:
        services_levels.export_fail(export_id=export.pk, error=str(exc))
        raise
    services_levels.export_finish(export_id=export.pk, content=data)
    return export.status
