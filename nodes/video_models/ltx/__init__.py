"""LTX-2's own node (picture and sound made together)."""
