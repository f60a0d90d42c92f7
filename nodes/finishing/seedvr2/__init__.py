"""SeedVR2 one-step video super-resolution (ByteDance-Seed/SeedVR, Apache-2.0): its causal video VAE, DiT and pipeline."""
