"""InfiniteTalk: a voice drives a face, its audio modules hooked onto Wan 2.1 I2V's denoiser (a wing of wan)."""
