"""Readers: files, folders and standard input as text, Markdown or Word, into one Document."""
