"""A recognition without an appraisal records why none was needed (given by a leader)."""

from django.db import migrations, models


def field() -> models.TextField:
    return models.TextField(
        blank=True,
        help_text="Only a leader of the deciding body recognises a practice without an appraisal.",
        verbose_name="why no appraisal was needed",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_showcase_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="recognition", name="appraisal_waived_reason", field=field()
        ),
        migrations.AddField(
            model_name="historicalrecognition", name="appraisal_waived_reason", field=field()
        ),
    ]
