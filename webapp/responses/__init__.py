"""Stored responses and their per-day counts: the one way responses get in (store_responses)."""
