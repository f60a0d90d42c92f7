"""Pretrained video models from the artist's own disk, through diffusers: Load Video Model, LoRA,
Image to Video, Text to Video, Video to Video. Models come from the models setting
(studio.core.models); diffusers, transformers and peft are imported only when a node runs."""
