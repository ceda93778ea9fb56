"""Each petition gets a drawn public id (DV + 8 characters), the name Open311's lists give it,
in place of «DV<row number>», whose gaps counted the petitions that are never public
(denunciations) and when they came. Existing petitions draw theirs here."""

import secrets
from typing import Any

from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # services_intake.CODE_ALPHABET, as it is today


def draw_public_ids(apps: Any, schema_editor: Any) -> None:
    Petition = apps.get_model("dialogue", "Petition")
    used: set[str] = set()
    pks = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), 2000):
        batch = []
        for pk in pks[start : start + 2000]:
            drawn = ""
            while not drawn or drawn in used:
                drawn = "DV" + "".join(secrets.choice(ALPHABET) for _ in range(8))
            used.add(drawn)
            batch.append(Petition(pk=pk, public_id=drawn))
        Petition.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0004_extension_cycle"),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="public_id",
            field=models.CharField(
                editable=False, max_length=12, null=True, verbose_name="public id"
            ),
        ),
        migrations.AddField(
            model_name="historicalpetition",
            name="public_id",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=12, verbose_name="public id"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(draw_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="petition",
            name="public_id",
            field=models.CharField(
                editable=False, max_length=12, unique=True, verbose_name="public id"
            ),
        ),
    ]
