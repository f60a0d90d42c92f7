"""HuMo 17B: a Wan 2.1 denoiser that also hears a voice, its audio layers hooked onto Wan's blocks (a wing of wan)."""
