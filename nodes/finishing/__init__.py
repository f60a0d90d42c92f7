"""Finishing a clip: learned upscalers (spandrel's architectures, read from the user's upscale_models
folder) run tiled and streamed over the clip on the graph's device."""
