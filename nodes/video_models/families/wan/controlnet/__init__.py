"""TheDenk's Wan ControlNets (depth / canny / hed / tile for Wan 2.1, Wan 2.2 TI2V-5B and T2V-A14B): a control clip's
pixels read by a small transformer of their own whose outputs are added after the denoiser's blocks (controlnet.py:
the module and its application; controlnet_node.py: the node)."""
