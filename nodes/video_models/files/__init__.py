"""Model files outside a diffusers folder: single files and their weight formats (fp8, GGUF), ComfyUI's part files (text encoder, VAE, CLIP vision), LoRA file layouts."""
