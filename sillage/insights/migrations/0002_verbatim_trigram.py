"""On PostgreSQL, a trigram index makes `folded LIKE '% word%'` an index search.

pg_trgm ships with PostgreSQL and is a trusted extension (a database owner may create it).
Where it cannot be created, the search still works, as a scan: the index is only for speed.
"""

from django.db import migrations, transaction

INDEX = "ins_verbatim_folded_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - no right to create it: search without the index
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON insights_verbatimindex "
        "USING gin (folded gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
