"""Loads the code lists of the registration form JJ-001 (customs country codes, plan categories,
socio-economic goals, trading parties, contract IP types, the completed legal-entity types) and the
regions of all China (GB/T 2260 to county level; Sichuan's rows unchanged) from the committed files.
Idempotent; reversing leaves the rows (other records may point at them)."""

from django.db import migrations, models

from institutions import reference_data


def load(apps, schema_editor):
    reference_data.load_regions(apps.get_model("institutions", "Region"))
    reference_data.load_classifications(apps.get_model("institutions", "Classification"))


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0010_membership_granted_by"),
    ]

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
                    ("country", "Country or region (customs code, 国别代码)"),
                    ("plan_category", "Plan category (计划类别)"),
                    ("socio_economic_goal", "Socio-economic goal (社会经济目标)"),
                    ("trade_subject", "Trading party (交易主体)"),
                    ("contract_ip_type", "Intellectual-property type of a contract (知识产权类型)"),
                ],
                max_length=30,
                verbose_name="scheme",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
