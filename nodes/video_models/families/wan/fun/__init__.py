"""Wan Fun Control and Camera (VideoX-Fun): a control clip or a camera path on Wan's denoiser (a wing of wan)."""
