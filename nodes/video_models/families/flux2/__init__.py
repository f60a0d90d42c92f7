"""FLUX.2 [klein] (4B, 9B): a still picture (a one-frame take) from ComfyUI's three files: the diffusion model, its
Qwen3 text encoder and FLUX.2's VAE."""
