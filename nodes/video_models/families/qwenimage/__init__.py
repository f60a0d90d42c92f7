"""Qwen-Image: a still picture (a one-frame take) from ComfyUI's three files: the DiT, Qwen2.5-VL 7B, its VAE."""
