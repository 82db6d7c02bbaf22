"""Django for benchmarks: set up once per process, on a throwaway SQLite database."""

from __future__ import annotations

import os
import tempfile


def setup(who: str) -> None:
    """Set Django up once per process; reuse the database of a bench module that already did.

    `who` names the calling benchmark in the refusal to run on anything but test settings.
    """
    import django
    from django.apps import apps

    if apps.ready:
        from django.conf import settings

        # Only another benchmark's throwaway database: never write bench data elsewhere.
        if settings.SETTINGS_MODULE != "config.test_settings":
            raise RuntimeError(f"{who} runs only under config.test_settings")
    else:
        folder = tempfile.mkdtemp(prefix="milepost-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # a no-op when already migrated
