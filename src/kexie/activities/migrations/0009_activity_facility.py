# The venue or mobile unit that held an activity (issue 9 item 4)

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0008_local_activity_types'),
        ('registries', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='facility',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='registries.facility', verbose_name='举办场馆/流动设施'),
        ),
        migrations.AddField(
            model_name='historicalactivity',
            name='facility',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registries.facility', verbose_name='举办场馆/流动设施'),
        ),
    ]
