"""Wan Dancer's prompt words, as the release's examples write them: its dance styles and amplitudes
(English -> the Chinese words the models were trained on). Plain data, stdlib only: the node (dancer.py)
writes its prompt from them and the ComfyUI mapping (comfy_dancer.py) reads the template's choices."""
from __future__ import annotations

STYLES = {"Chinese Classic Dance": "古典舞", "K-Pop": "韩舞", "Street Dance": "街舞", "Latin Dance": "拉丁舞",
          "Tap Dance": "踢踏舞"}  # ComfyUI's template's choices, the Wan team's defaults
AMPLITUDES = {"low": "低", "medium": "中等", "high": "高", "max": "最大"}
