"""Z-Image (Turbo): a still picture (a one-frame take) from ComfyUI's three files: the DiT, Qwen3 text encoder, Flux VAE."""
