"""Loads Sichuan's regions (GB/T 2260) and the classification tables from the committed data files."""

from django.db import migrations

from institutions import reference_data


def load(apps, schema_editor):
    reference_data.load_regions(apps.get_model("institutions", "Region"))
    reference_data.load_classifications(apps.get_model("institutions", "Classification"))


class Migration(migrations.Migration):
    dependencies = [("institutions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
