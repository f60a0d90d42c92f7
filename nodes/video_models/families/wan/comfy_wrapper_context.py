"""What the wrapper's WanVideoContextOptions sets beyond what Studio's context windows take (their size, overlap and
schedule: comfy_wrappers.context carries those): how far apart the windows are laid (context_stride), the noise
shared across them (freenoise) and how their overlaps are blended (fuse_method), said, never dropped unsaid. Names
as the wrapper's INPUT_TYPES declare them (read for meaning, nothing of it imported)."""
from __future__ import annotations

from studio.convert.api import CNode, finite


def unblended(opt: CNode, w: dict) -> str | None:
    """The sentence for ``opt``'s settings ``w`` (by name) Studio's context windows do not take, None for none."""
    lost = []
    if finite(w.get("context_stride")):
        lost.append(f"context_stride {w['context_stride']:g}")
    if isinstance(w.get("freenoise"), bool):
        lost.append(f"freenoise {w['freenoise']}")
    if isinstance(w.get("fuse_method"), str):
        lost.append(f"fuse_method '{w['fuse_method']}'")
    if not lost:
        return None
    return (f"'{opt.title or opt.cls}' ({opt.cls}, #{opt.id})'s {', '.join(lost)}: not taken, Studio's context windows "
            "are laid out, noised and blended their own way")
