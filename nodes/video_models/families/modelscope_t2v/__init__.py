"""ModelScope text to video (Alibaba DAMO): a 3D UNet over an image VAE; and its video to video."""
