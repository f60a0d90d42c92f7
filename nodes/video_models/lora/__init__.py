"""Training a LoRA for a loaded video model on the artist's clips, and the LoRA file it writes."""
