"""SkyReels-V2 (Wan's architecture, AutoencoderKLWan): the plain models and the diffusion-forcing (DF)"""
