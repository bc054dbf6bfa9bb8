"""Alerts and cases (SPEC 12)."""
