"""Studio nodes made beside a generator, or without one: an output's own finishing after its take (finish.py: an
upscale, a resize, a frame interpolation; its Save Video), ComfyUI's video utilities as Studio's nodes
(utility.py: SAM 3, Depth Anything, poses, RIFE / FILM), a video made with no model (core.py), and where the
converted graph's nodes and notes go on the canvas (layout.py). Called with the builder (mapping/)."""
