"""Surfaces: what users touch (command line, language server, Word review, output formats, eval)."""
