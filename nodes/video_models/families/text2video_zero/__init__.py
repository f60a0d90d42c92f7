"""Text2Video-Zero (Picsart AI Research): zero-shot video from a Stable Diffusion image model, by cross-frame attention and motion put into the latents."""
