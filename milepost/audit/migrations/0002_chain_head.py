from __future__ import annotations

from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    # The head row exists before the first event, so two first writers lock the same row
    # instead of racing to create it.
    head_model = apps.get_model("audit", "AuditChainHead")
    head_model.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH, "count": 0})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
