"""The document: the one place the graph model is edited (undoable commands)."""
