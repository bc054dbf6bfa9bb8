"""Consented follow-up contacts (SPEC 13): phone numbers kept apart and encrypted at rest."""
