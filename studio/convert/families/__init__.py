"""The families' ComfyUI mappings: found by discovery (registry.py: a ``comfy`` module in a family's folder, imported
by its name, so the converter never imports ``nodes``) and looked up by the rest of the converter; the hook points
a mapping may fill with what one family alone reads (hooks.py). The converter's lowest room: stdlib only."""
