"""danvan figures_reset: forget the derived figures, and the forms' layouts, kept between
requests (lib/figures.py).

danvan sees every write it makes; one made from outside it (psql, a script on the database)
is not, so the figures (or a form's layout) it changes could be shown as they were until the
next write to the same tables. This makes everything kept old, in every process."""

from typing import Any

from django.core.management.base import BaseCommand

from danvan.lib import figures


class Command(BaseCommand):
    help = (
        "Forget the derived figures and forms' layouts kept between requests "
        "(after editing the database by hand)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        figures.forget_all()
        self.stdout.write(self.style.SUCCESS("Derived figures will be computed afresh."))
