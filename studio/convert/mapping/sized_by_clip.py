"""The generator inputs whose size its 'width' and 'height' 0 take, for the sentences of a latent's size worked out
only when the workflow runs (folded_sizes.unread_sizes): its picture inputs (folded_sizes.SIZED_BY: 'image',
'video'), and a clip input its class declares taking the size where no other picture sizes the take (its declared
size ports: LTX-2's IC-LoRA 'control', ltxic10: Lightricks' V2V IC-LoRA example sizes its latent by GetImageSize of
the control frames, with no start picture; it was "not read, the generator's own are used"). A claim through such an
input holds only where none of the generator's other picture inputs is wired once it is (outputs._size_claim_kept).
A clip input its class declares sizing the take whatever else is wired (its 'like' ports: Wan Animate's 'pose', its
run's output_size; heldout81 09 said "the generator's own size is used" where width 0 takes the pose's) counts always.
Read from the declared spec (NodeSpec.ports), no node module imported. Plain data."""
from __future__ import annotations

from typing import Any

from .folded_sizes import SIZED_BY

PICTURES = ("Image", "Video")  # the input types that size a take


def size_ports(b: Any) -> tuple[str, ...]:
    """The clip inputs the generator being made declares taking its size from at 'width' and 'height' 0 where no
    other picture is wired (its size ports); () for none."""
    try:
        spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) else None
    except Exception:  # (a type the registry lacks)
        return ()
    return spec.ports("size") if spec is not None else ()


def like_ports(b: Any) -> tuple[str, ...]:
    """The clip inputs the generator being made declares taking its size from at 'width' and 'height' 0 whatever
    else is wired (its 'like' ports); () for none."""
    try:
        spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) else None
    except Exception:  # (a type the registry lacks)
        return ()
    return spec.ports("like") if spec is not None else ()


def sized_ports(b: Any) -> tuple[tuple[str, ...], set[str]]:
    """(the inputs whose size the generator being made takes at 'width' and 'height' 0, the picture inputs that must
    be left unwired for a size said taken through one of its declared size ports): its 'like' ports always; its size
    ports only where none of SIZED_BY is given a picture Studio makes (``b.scaled_for`` / ``b.loaded_for``)."""
    if like := like_ports(b):
        return SIZED_BY + tuple(like), set()
    ports = size_ports(b)
    given = {*getattr(b, "scaled_for", {}).values(), *getattr(b, "loaded_for", {}).values()}
    if not ports or any(p in SIZED_BY for p in given):
        return SIZED_BY, set()
    spec = b.g.registry.get(b.task_now)
    return SIZED_BY + tuple(ports), {i.name for i in spec.inputs if i.type in PICTURES and i.name not in ports}


def length_port(b: Any, clips: dict[str, str]) -> str | None:
    """The input whose clip's length the generator being made takes at 'frames' 0 (its declared source ports, as
    settings._clips_counted reads them: ``clips``, node id -> input, where that clip is traced) that Studio gives a
    clip (a loader's, a resize's on its way), else None: a latent's length not read is said taken from it when it runs
    (it was "its own 'frames' used" beside LTX-2's control clip, ltxic10)."""
    if clips:
        return next(iter(clips.values()))
    try:
        spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) else None
    except Exception:  # (a type the registry lacks)
        return None
    frames = next((p for p in getattr(spec, "params", ()) if p.name == "frames"), None)
    if spec is None or frames is None or frames.default != 0 or getattr(b, "extra", {}).get("task") == "extend":
        return None
    given = {*getattr(b, "scaled_for", {}).values(), *getattr(b, "loaded_for", {}).values()}
    return next((p for p in spec.ports("source") if p in given), None)
