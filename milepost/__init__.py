"""Milepost: SMART treatment plans that measure themselves."""
