"""Fill the precomputed predecessors (org/lineage.py) for the successors already recorded."""

from typing import Any

from django.db import migrations
from treebeard.mp_tree import MP_Node

from danvan.org import lineage


def fill(apps: Any, schema_editor: Any) -> None:
    for name, successor_path in (("Organization", "successor__path"), ("Area", "successors__path")):
        lineage.fill(
            apps.get_model("org", name),
            apps.get_model("org", f"{name}Predecessor"),
            successor_path=successor_path,
            step=MP_Node.steplen,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0006_predecessors"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
