"""The video model families of ComfyUI's template library that Studio names but does not read, one
record each with what the family does and why Studio does not read it (``main.py families``, the
Families dialog): listed so that an artist looking for one finds the reason, not a silence. The
converter says the same of their workflows (comfy_not_read.py beside it). Plain data."""
from __future__ import annotations

# (key, name, what it does, why Studio does not read it). Where the released code is public, it is
# said: that family is work left, not a block.
NOT_READ = (
    ("causal-forcing", "Causal Forcing", "image to video sampled frame by frame (an autoregressive Wan 2.1 1.3B)",
     "its autoregressive sampling with a key-value cache (thu-ml/Causal-Forcing) is in no library Studio uses; its "
     "file has Wan's tensor names, so it cannot be told from a Wan 2.1 text-to-video file by its header: do not load "
     "it as Wan"),
    ("bernini-r", "Bernini-R", "video editing by an instruction (a Wan 2.1 based model)",
     "its editing pipeline (bytedance/Bernini) is in no library Studio uses; Lucy Edit is Studio's instruction editor"),
    ("void", "VOID", "object removal from a video (Netflix/void-model), with a SAM 3.1 mask",
     "its inpainting pipeline is in no library Studio uses; Wan VACE's inpaint task with Segment's mask is Studio's "
     "object removal"),
)


def not_read_records() -> list[dict]:
    return [{"kind": "not read", "family": key, "name": name, "variants": [name], "tasks": [], "inputs": {},
             "formats": [], "does": does, "why": why} for key, name, does, why in NOT_READ]
