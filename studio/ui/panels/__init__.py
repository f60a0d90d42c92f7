"""Docked panels: the node palette, the properties editor, the training plot."""
