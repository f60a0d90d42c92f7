"""A save's file name holding ComfyUI's '%...%' tokens (a date, another node's value: '%date:yyyy-MM-dd%',
'%KSampler.seed%'), which ComfyUI fills in as it saves and Studio's file name keeps as written: said (heldout22 05).
Plain data and stdlib."""
from __future__ import annotations

import re

from .workflow import CNode
def tokens_said(save: CNode, prefix: str) -> str | None:
    """The sentence for a save's file name holding ComfyUI's '%...%' tokens (a date, another node's value), which
    ComfyUI fills in as it saves and Studio's file name keeps as written (heldout22 05: unsaid); None where none is."""
    if not re.search(r"%[^%/]+%", prefix):
        return None
    return (f"'{save.title or save.shown_cls}' (#{save.id})'s filename_prefix '{prefix}' holds ComfyUI's %...% "
            "tokens, which ComfyUI fills in as it saves (a date, a node's value): Studio's file name keeps them as "
            "written")
