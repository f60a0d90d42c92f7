"""Headless core: types, node declarations, registry, graph model, graph files. Never imports Qt."""
