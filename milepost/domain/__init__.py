"""Pure clinical logic. Never imports Django or a Milepost app (import-linter enforces)."""
