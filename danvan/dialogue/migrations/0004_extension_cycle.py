"""Each deadline extension knows which settlement it extended (0 the first, n the one after the
petition's nth reopening), so that the law's maximum counts the current round only.

Existing extensions of reopened petitions get their round from the history: the number of the
petition's «reopened» entries recorded before the extension's own creation entry (by its
decision date, the day of the reopening included, where no creation entry is kept).
"""

from bisect import bisect_right
from typing import Any

from django.db import migrations, models


def fill_cycles(apps: Any, schema_editor: Any) -> None:
    Extension = apps.get_model("dialogue", "Extension")
    HistoricalPetition = apps.get_model("dialogue", "HistoricalPetition")
    HistoricalExtension = apps.get_model("dialogue", "HistoricalExtension")
    reopenings: dict[int, list[Any]] = {}
    found = (
        HistoricalPetition.objects.filter(history_verb="reopened")
        .order_by("history_date")
        .values_list("id", "history_date")
    )
    for petition_id, when in found:
        reopenings.setdefault(petition_id, []).append(when)
    if not reopenings:
        return
    extensions = Extension.objects.filter(petition_id__in=list(reopenings))
    created = dict(
        HistoricalExtension.objects.filter(
            history_type="+", id__in=extensions.values("pk")
        ).values_list("id", "history_date")
    )
    changed = []
    for extension in extensions:
        times = reopenings[extension.petition_id]
        when = created.get(extension.pk)
        if when is not None:
            extension.cycle = bisect_right(times, when)
        else:
            days = [t.date() for t in times]
            extension.cycle = bisect_right(days, extension.decided_on)
        if extension.cycle:
            changed.append(extension)
    Extension.objects.bulk_update(changed, ["cycle"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0003_created_by_verbose_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="extension",
            name="cycle",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="settlement round"),
        ),
        migrations.AddField(
            model_name="historicalextension",
            name="cycle",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="settlement round"),
        ),
        migrations.RunPython(fill_cycles, migrations.RunPython.noop),
    ]
