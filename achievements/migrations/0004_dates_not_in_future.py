import django.db.models
from django.db import migrations

import core.validators


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0003_owners_not_on_platform"),
    ]

    operations = [
        migrations.AlterField(
            model_name="achievement",
            name="completed_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="completion date",
            ),
        ),
        migrations.AlterField(
            model_name="ipasset",
            name="granted_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="granted on",
            ),
        ),
        # the history (pghistory) copies of the fields
        migrations.AlterField(
            model_name="achievementevent",
            name="completed_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="completion date",
            ),
        ),
        migrations.AlterField(
            model_name="ipassetevent",
            name="granted_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="granted on",
            ),
        ),
    ]
