"""On PostgreSQL, compare org paths bytewise (COLLATE "C") so that the subtree range
path >= P AND path < successor(P) is exact and index-searchable under any database collation.
SQLite compares bytewise already."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE orgs_orgunit ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE orgs_orgunit ALTER COLUMN path TYPE varchar(255) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
