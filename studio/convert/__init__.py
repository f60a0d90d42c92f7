"""Other programs' files made into Studio graphs: ComfyUI's workflows (comfy_read.py reads the UI and
the API JSON into one flat form, comfy_map.py makes the Studio graph). Knows Studio's nodes by
their type ids only: it never imports ``nodes``, which sits above it; each video family's mapping of
its ComfyUI node types (nodes/video_models/families/<key>/comfy.py) uses the door, api.py, and is
found by discovery (api.mappings). Stdlib and studio.core only."""
