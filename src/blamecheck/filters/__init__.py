"""Filters: what a team or a writer silences or adjusts (settings, ignores, inline comments)."""
