"""Chain positions are unique; the one-row head is gone; repeated reads (decision 0017)."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seal_legacy_chain")]

    operations = [
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_event_chain_position"
            ),
        ),
        migrations.CreateModel(
            name="AuditRepeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("count", models.PositiveIntegerField(default=1)),
                ("last_at", models.DateTimeField()),
                ("closed", models.BooleanField(default=False)),
                (
                    "closed_by",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="closes",
                        to="audit.auditevent",
                    ),
                ),
                (
                    "first_event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="repeats",
                        to="audit.auditevent",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("closed", False)),
                        fields=("key",),
                        name="audit_one_open_repeat_per_read",
                    )
                ],
            },
        ),
    ]
