from django.db import migrations


def create(apps, schema_editor):
    # PostgreSQL uses a btree for `LIKE 'prefix%'` only with a pattern operator class (or the C
    # collation). SQLite's LIKE is served by the plain index on (organization, path).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS unit_org_path_pattern "
            "ON accounts_unit (organization_id, path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS unit_org_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
