import django.db.models
from django.db import migrations

import core.validators


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0004_designation_levels_and_national_decision"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="contact_phone",
            field=django.db.models.CharField(
                blank=True,
                max_length=30,
                validators=[core.validators.PhoneValidator()],
                verbose_name="office phone",
            ),
        ),
        # the history (pghistory) copy of the field
        migrations.AlterField(
            model_name="organisationevent",
            name="contact_phone",
            field=django.db.models.CharField(
                blank=True,
                max_length=30,
                validators=[core.validators.PhoneValidator()],
                verbose_name="office phone",
            ),
        ),
    ]
