"""LTX-2's keyframe strength from ComfyUI's guides: Studio's LTX-2 holds every keyframe at one strength
('keyframe_strength', the last guide's, as before), so where the guides' strengths differ one sentence names each guide
with its own, kept up to date as guides are read (never a sentence a later guide makes untrue)."""
from __future__ import annotations

from typing import Any

from studio.convert.api import CNode, finite
from studio.core.shown import number

SAID = "the guides' strengths differ ("


def keyframe_strength(b, n: CNode, at: Any, v: Any, said: list[str]) -> None:
    """Guide ``n``'s strength ``v`` (its image at frame ``at``) taken as the generator's 'keyframe_strength'; the
    strengths that differ said in one sentence of ``said``."""
    if not finite(v):
        return
    guides = b.guide_strengths
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    shown = number(at) if isinstance(at, (int, float)) and not isinstance(at, bool) else str(at)  # (a mark: 'last')
    guides.append((float(v), f"{number(v)} at frame {shown} of {name}"))
    b.keyframe_strength = float(v)
    if len({g[0] for g in guides}) < 2:
        return
    line = (f"{SAID}{'; '.join(g[1] for g in guides)}): LTX-2 holds every keyframe at one strength, "
            f"'keyframe_strength' {number(v)} (the last guide's); the others are not taken")
    at_line = next((i for i, x in enumerate(said) if x.startswith(SAID)), None)
    if at_line is None:
        said.append(line)
    else:
        said[at_line] = line
