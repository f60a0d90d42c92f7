"""HuMo's frame rate, stdlib only, in one place: the node (humo_node.py) checks the voice and the take
against it and Wan's ComfyUI mapping (wan/comfy.py) has Speech Features made at it, without importing the
node's engine."""
from __future__ import annotations

FPS = 25.0  # the rate HuMo was trained at and its Whisper features are aligned to (the release's generate.yaml)
