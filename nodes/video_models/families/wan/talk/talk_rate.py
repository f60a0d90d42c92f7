"""InfiniteTalk's frame rate, stdlib only, in one place: the node (talk.py) makes its takes at it and the
ComfyUI mapping (comfy_talk.py) has Speech Features made at it, without importing the model's code."""
from __future__ import annotations

FPS = 25.0  # the frame rate the audio features were made at (the release's get_embedding: 'Assume the video fps is 25')
