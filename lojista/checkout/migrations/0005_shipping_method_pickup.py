from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0004_shippingmethod_description_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="shippingmethod",
            name="pickup_location",
            field=models.TextField(
                blank=True,
                default="",
                db_default="",
                help_text="The address where customers collect their orders.",
                max_length=500,
                verbose_name="pickup location",
            ),
        ),
        migrations.AddField(
            model_name="shippingmethod",
            name="pickup_details",
            field=models.TextField(
                blank=True,
                default="",
                db_default="",
                help_text="Opening hours and how to collect, one item per line.",
                max_length=1000,
                verbose_name="opening details",
            ),
        ),
    ]
