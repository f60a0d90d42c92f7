"""FLUX.1 (dev, schnell): a still picture (a one-frame take) from ComfyUI's files (the diffusion model, CLIP-L,
T5-XXL and the VAE ae.safetensors)."""
