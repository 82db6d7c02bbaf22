"""Each review keeps the review date it answered (decision 1013).

Reviews already on file get it the way review_record set the plan's date: one interval after
the signing for the first, one interval after the previous review (never moving back) for the
next.
"""

from django.db import migrations, models
from django.utils import timezone

from milepost.domain.plan_versions import review_due


def backfill(apps, schema_editor):
    Review = apps.get_model("plans", "Review")
    reviews = (
        Review.objects.filter(plan__signed_at__isnull=False)
        .select_related("plan")
        .order_by("plan_id", "held_on", "id")
    )
    changed, plan_id, due = [], None, None
    for review in reviews.iterator():
        plan = review.plan
        if plan.pk != plan_id:  # a plan's first review answered one interval after signing
            plan_id = plan.pk
            due = review_due(timezone.localdate(plan.signed_at), plan.review_interval_days)
        review.due_on = due
        changed.append(review)
        due = max(due, review_due(review.held_on, plan.review_interval_days))
    Review.objects.bulk_update(changed, ["due_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_functional_impairment"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="due_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
