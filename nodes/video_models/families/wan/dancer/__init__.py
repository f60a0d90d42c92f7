"""Wan Dancer: music, a reference image and a global model hooked onto Wan 2.1 I2V's denoiser (a wing of wan)."""
