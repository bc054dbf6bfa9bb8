"""Signed PDF summaries per unit and period, and their public verification (SPEC section 8)."""
