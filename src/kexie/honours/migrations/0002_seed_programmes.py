from django.db import migrations


def seed(apps, schema_editor):
    from kexie.honours.programmes import BUILT_IN

    Programme = apps.get_model("honours", "Programme")
    for order, row in enumerate(BUILT_IN, start=1):
        Programme.objects.update_or_create(code=row["code"], defaults={**row, "sort_order": order * 10})


def unseed(apps, schema_editor):
    from kexie.honours.programmes import BUILT_IN

    Programme = apps.get_model("honours", "Programme")
    Programme.objects.filter(
        code__in=[row["code"] for row in BUILT_IN], rounds__isnull=True, awards__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
