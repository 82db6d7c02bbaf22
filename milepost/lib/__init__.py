"""Small shared helpers for the Django apps (never imported by the domain)."""
