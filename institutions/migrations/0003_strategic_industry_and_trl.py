"""Adds the strategic-emerging-industry and TRL taxonomies (DOMAIN.md §6) from the data file."""

from django.db import migrations, models

from institutions import reference_data


def load(apps, schema_editor):
    reference_data.load_classifications(apps.get_model("institutions", "Classification"))


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_reference_data")]

    operations = [
        migrations.AlterField(
            model_name="classification",
            name="scheme",
            field=models.CharField(
                choices=[
                    ("technology_field", "Technology field (技术领域)"),
                    ("industry", "Industry (GB/T 4754-2017)"),
                    ("entity_type", "Legal-entity type (买/卖方性质)"),
                    ("strategic_industry", "Strategic emerging industry (2018)"),
                    ("trl", "Technology readiness level (GB/T 22900-2022)"),
                ],
                max_length=30,
                verbose_name="scheme",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
