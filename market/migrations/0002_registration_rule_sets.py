from django.db import migrations

from market import reference_data


def load(apps, schema_editor):
    reference_data.load_rule_sets(apps.get_model("market", "RegistrationRuleSet"))


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
