"""PostgreSQL only: a stored tsvector of each listing's search text, with a GIN index, so the
search ranks by full text without re-parsing every candidate's text (decision 1205). SQLite,
the embedded default, matches the words through the concept map and library alone."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE directory_profile ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED",
    "CREATE INDEX directory_profile_search ON directory_profile USING GIN (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS directory_profile_search",
    "ALTER TABLE directory_profile DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
