"""Dialogs: groups, templates, chunked render."""
