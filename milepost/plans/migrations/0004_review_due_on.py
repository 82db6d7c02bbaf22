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
    TreatmentPlan = apps.get_model("plans", "TreatmentPlan")
    plans = TreatmentPlan.objects.filter(reviews__isnull=False, signed_at__isnull=False).distinct()
    for plan in plans.iterator():
        due = review_due(timezone.localdate(plan.signed_at), plan.review_interval_days)
        for review in Review.objects.filter(plan=plan).order_by("held_on", "id"):
            Review.objects.filter(pk=review.pk).update(due_on=due)
            due = max(due, review_due(review.held_on, plan.review_interval_days))


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
