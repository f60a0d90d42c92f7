"""Headless engine: lazy clips, compile, cache, run. Never imports Qt."""
