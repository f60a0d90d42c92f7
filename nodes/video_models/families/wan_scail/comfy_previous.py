"""WanSCAILToVideo's 'previous_frames' (comfy_extras/nodes_scail.py at comfyanonymous/ComfyUI@1320142, read for its
meaning): the frames an earlier take made, whose last 'previous_frame_count' it encodes into the first latent frames
and keeps clean (its noise mask), so that the take continues them; its output keeps those frames first (ComfyUI's
Extend blueprint cuts them after). Given by a file (the blueprint's input 'image', a loader where it is dropped into
a workflow), they are the SCAIL-2 Character node's 'previous' (node.py), which holds their last 'overlap' frames as
its first segment's history, as each later segment holds the one before's. Made by a sampler of the same workflow
(the earlier pass of one take), they are that take's frames: comfy.py reads them as one take. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, CNode, find_loader, upstream


def given(b, node: CNode) -> CNode | None:
    """The loader whose file gives WanSCAILToVideo ``node``'s previous_frames, where no sampler of the workflow makes
    them; else None."""
    wf = b.wf
    src = wf.source(node, "previous_frames")
    if src is None or any(u.cls in SAMPLERS for u in upstream(wf, src)):
        return None
    found = find_loader(wf, node, "previous_frames", set())
    return found[0] if found is not None else None


def said(node: CNode, loader: CNode, overlap: int) -> str:
    return (f"{node.named()}'s previous_frames, the frames an earlier take made ({loader.named()} stands for them: "
            "connect that take's video to the generator's 'previous'; one picture gives one frame), are Studio's SCAIL-2 "
            f"node's 'previous': the take continues them, their last {overlap} frames held as its first {overlap}, as "
            "ComfyUI's noise mask keeps them; its output begins with those frames, as ComfyUI's does")
