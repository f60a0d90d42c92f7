"""LTX-2: picture and sound made together (its own node, ComfyUI's all-in-one checkpoint and part files)."""
