"""One keyed chain per practice (decision 0016).

Events written before this migration stay as they are, byte for byte: they form the frozen
"legacy" chain, in their old order, with their plain SHA-256 links. The migration closes that
chain with one keyed event (`audit.chain_sealed`, signed with AUDIT_KEY), so rewriting the old
events with plain SHA-256 no longer verifies. Every later event goes on its practice's chain.
"""

from __future__ import annotations

from django.db import migrations, models

from milepost.domain.audit_chain import GENESIS_HASH, LEGACY, LEGACY_CHAIN


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default=LEGACY_CHAIN, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="alg",
            field=models.CharField(default=LEGACY, max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=40, unique=True)),
                ("last_hash", models.CharField(default=GENESIS_HASH, max_length=64)),
                ("count", models.PositiveBigIntegerField(default=0)),
            ],
        ),
    ]
