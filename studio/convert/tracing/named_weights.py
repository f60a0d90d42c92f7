"""A node pack's node that loads its own models by name: one of its settings names a weight file (an ending Studio's
model reader knows, studio.core.models: .safetensors, .gguf, or a pickle's .pth / .ckpt / .bin ...). Given a picture,
a video or a sound and giving what an output writes, such a node makes that output itself: TurboDiffusion's one-node
I2V names both experts, the VAE and the text encoder and is given the start picture (heldout124 07: its pictures
said "not applied, as Studio does not know what it does", with no held-task sentence and its picture not held, where
the same pack's sampler fed by loaders got both). Told by the values the file saves, never by the node's name.
Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from studio.core.models import MODEL_EXTS, PICKLE_EXTS

WEIGHTS = tuple(MODEL_EXTS) + tuple(PICKLE_EXTS)


def weight_files(n: Any) -> list[str]:
    """The weight-file names among ``n``'s saved settings (by name or, a UI file's undeclared node, by place)."""
    values = list(n.widgets.values()) + (list(n.raw) if isinstance(n.raw, list) else [])
    return [v for v in values if isinstance(v, str) and v.strip().lower().endswith(WEIGHTS)]
