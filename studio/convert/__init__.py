"""Other programs' files made into Studio graphs: ComfyUI's workflows (comfy_read.py reads the UI and
the API JSON into one flat form, comfy_map.py makes the Studio graph). Knows Studio's nodes by
their type ids only (it never imports ``nodes``); stdlib and studio.core only."""
