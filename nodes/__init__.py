"""Node packages. Every module below is discovered by studio.core.registry; no list to edit.

Nodes are plain Python + torch/numpy/cv2 and never import Qt."""
