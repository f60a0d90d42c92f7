"""EasyAnimate (Alibaba PAI's EasyAnimate V5.1): text to video, and image to video by its InP model."""
