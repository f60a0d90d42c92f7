"""Pretrained video models from the artist's own disk, through diffusers: Load Video Model, LoRA,
Image to Video, Text to Video, Video to Video. Models come from the models setting
(studio.core.models); diffusers, transformers and peft are imported only when a node runs."""

from . import families  # noqa: E402,F401  every family registers itself (base.registry)
