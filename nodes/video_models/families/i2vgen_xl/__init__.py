"""I2VGen-XL (Alibaba DAMO): image to video, a 3D UNet reading the still twice (CLIP and latents)."""
