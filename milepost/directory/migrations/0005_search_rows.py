"""The search's own rows (decision 1210): one per listed listing and licensed state.

PostgreSQL: a stored tsvector of each row's text (`search_vector`), read per candidate; the
profile's tsvector of migration 0002 and its GIN index are dropped, nothing reads them now.
SQLite: an FTS5 index of each row's text, kept by triggers. Existing listings get their rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max

POSTGRESQL = [
    "ALTER TABLE directory_searchrow ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED",
    # One state's rows are a few thousand at most: starting parallel workers costs more.
    "ALTER TABLE directory_searchrow SET (parallel_workers = 0)",
    "DROP INDEX IF EXISTS directory_profile_search",
    "ALTER TABLE directory_profile DROP COLUMN IF EXISTS search_vector",
]
POSTGRESQL_BACK = [
    "ALTER TABLE directory_profile ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS directory_profile_search ON directory_profile "
    "USING GIN (search_vector)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE directory_searchrow_fts USING fts5(search_text, "
    "content='directory_searchrow', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER directory_searchrow_fts_insert AFTER INSERT ON directory_searchrow BEGIN "
    "INSERT INTO directory_searchrow_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "CREATE TRIGGER directory_searchrow_fts_delete AFTER DELETE ON directory_searchrow BEGIN "
    "INSERT INTO directory_searchrow_fts(directory_searchrow_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER directory_searchrow_fts_update AFTER UPDATE ON directory_searchrow BEGIN "
    "INSERT INTO directory_searchrow_fts(directory_searchrow_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO directory_searchrow_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS directory_searchrow_fts_insert",
    "DROP TRIGGER IF EXISTS directory_searchrow_fts_delete",
    "DROP TRIGGER IF EXISTS directory_searchrow_fts_update",
    "DROP TABLE IF EXISTS directory_searchrow_fts",
]
COPIED = (
    "clinician_id", "public_id", "display_name", "in_person", "telehealth", "office_lat",
    "office_lon", "fee_min", "sliding_scale", "capacity", "next_opening", "confirmed_at",
    "facet_keys", "search_text",
)  # fmt: skip


def _vendor(postgresql, sqlite):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in postgresql if vendor == "postgresql" else sqlite if vendor == "sqlite" else ():
            schema_editor.execute(sql)

    return run


def backfill(apps, schema_editor):
    """Rows for the listings shown now (the services keep them from here on)."""
    Profile = apps.get_model("directory", "Profile")
    Licence = apps.get_model("directory", "Licence")
    SearchRow = apps.get_model("directory", "SearchRow")
    ids = list(
        Profile.objects.filter(listed=True, organization__directory__listed=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        expiry = {}
        for row in (
            Licence.objects.filter(profile_id__in=chunk)
            .values("profile_id", "state")
            .annotate(last=Max("expires_on"))
        ):
            expiry.setdefault(row["profile_id"], {})[row["state"]] = row["last"]
        SearchRow.objects.bulk_create(
            (
                SearchRow(profile_id=p["pk"], state=state, expires_on=last, **{
                    k: p[k] for k in COPIED
                })
                for p in Profile.objects.filter(pk__in=chunk).values("pk", *COPIED)
                for state, last in sorted(expiry.get(p["pk"], {}).items())
            ),
            batch_size=5000,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0004_outcome_matching_setting'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(max_length=2)),
                ('expires_on', models.DateField()),
                ('listing_public_id', models.CharField(db_column='public_id', max_length=16)),
                ('display_name', models.CharField(max_length=150)),
                ('in_person', models.BooleanField(default=False)),
                ('telehealth', models.BooleanField(default=False)),
                ('office_lat', models.FloatField(blank=True, null=True)),
                ('office_lon', models.FloatField(blank=True, null=True)),
                ('fee_min', models.PositiveIntegerField(blank=True, null=True)),
                ('sliding_scale', models.BooleanField(default=False)),
                ('capacity', models.PositiveSmallIntegerField(default=0)),
                ('next_opening', models.DateField(blank=True, null=True)),
                ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                ('facet_keys', models.TextField(blank=True)),
                ('search_text', models.TextField(blank=True)),
                ('clinician', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('profile', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='search_rows', to='directory.profile')),
            ],
            options={
                'indexes': [models.Index(fields=['state', 'expires_on', 'confirmed_at'], name='directory_search_state')],
                'constraints': [models.UniqueConstraint(fields=('profile', 'state'), name='unique_search_row_state')],
            },
        ),
        migrations.RunPython(_vendor(POSTGRESQL, SQLITE), _vendor(POSTGRESQL_BACK, SQLITE_BACK)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
