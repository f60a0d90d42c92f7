"""AnimateDiff: an image model's UNet with motion modules, 16 frames a call."""
