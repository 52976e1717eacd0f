"""Rewriting: alternatives from the writer's own words, checked before they are offered."""
