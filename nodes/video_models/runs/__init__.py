"""A run's windows, what it keeps for a resume (windows, latents) and what it predicts (time, peak memory)."""
