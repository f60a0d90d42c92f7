"""FlashVSR (OpenImagingLab, Apache-2.0): one-step streaming video super-resolution on Wan 2.1 T2V 1.3B."""
