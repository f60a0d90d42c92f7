"""Latte (Vchitect): text to video, a latent diffusion transformer over an image VAE."""
