import django.db.models
from django.db import migrations

import core.validators


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0006_match_notice_sent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="listing",
            name="contact_phone",
            field=django.db.models.CharField(
                max_length=30, validators=[core.validators.PhoneValidator()], verbose_name="contact phone"
            ),
        ),
        migrations.AlterField(
            model_name="demand",
            name="contact_phone",
            field=django.db.models.CharField(
                max_length=30, validators=[core.validators.PhoneValidator()], verbose_name="contact phone"
            ),
        ),
        migrations.AlterField(
            model_name="contractregistration",
            name="signed_on",
            field=django.db.models.DateField(
                validators=[core.validators.validate_not_in_future], verbose_name="signed on"
            ),
        ),
        migrations.AlterField(
            model_name="deal",
            name="signed_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="signed on",
            ),
        ),
        migrations.AlterField(
            model_name="deal",
            name="performed_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="performed on",
            ),
        ),
        # the history (pghistory) copies of the fields
        migrations.AlterField(
            model_name="contractregistrationevent",
            name="signed_on",
            field=django.db.models.DateField(
                validators=[core.validators.validate_not_in_future], verbose_name="signed on"
            ),
        ),
        migrations.AlterField(
            model_name="dealevent",
            name="performed_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="performed on",
            ),
        ),
        migrations.AlterField(
            model_name="dealevent",
            name="signed_on",
            field=django.db.models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_not_in_future],
                verbose_name="signed on",
            ),
        ),
        migrations.AlterField(
            model_name="demandevent",
            name="contact_phone",
            field=django.db.models.CharField(
                max_length=30, validators=[core.validators.PhoneValidator()], verbose_name="contact phone"
            ),
        ),
        migrations.AlterField(
            model_name="listingevent",
            name="contact_phone",
            field=django.db.models.CharField(
                max_length=30, validators=[core.validators.PhoneValidator()], verbose_name="contact phone"
            ),
        ),
    ]
