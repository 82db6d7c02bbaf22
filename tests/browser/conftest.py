from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _settle_page(page):
    """Let the page finish its requests (charts load after the HTML) before the database
    is flushed, so the live server never queries a table being emptied."""
    yield
    page.wait_for_load_state("networkidle")
    page.close()
