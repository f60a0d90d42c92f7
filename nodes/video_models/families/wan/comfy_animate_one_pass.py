"""Native Wan Animate's one pass (heldout99 09): ComfyUI's WanAnimateToVideo that continues no take and is continued
by none samples the whole 'length' it is given as one latent (comfy_extras/nodes_wan.py, read for meaning only: one
latent of ((length - 1) // 4) + 1 frames after the reference's, no windows of its own), where Studio's Wan Animate
makes a clip longer than its 'window' in segments, each continuing from the last 'overlap' frames of the one before.
A length saved as a number: the window set to it (one segment, the take ComfyUI makes). A length wired (the clip's
own count of frames, known when the workflow runs): said, with the setting that makes one pass. Not where a context
window patch windows the model (ContextWindowsManual and Wan's: said where it is read, takes/refine_said) nor where a
take and its extensions are one longer take (comfy_animate_extend). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, CNode

ANIMATE = "video_models.wan_animate"
NODE = "WanAnimateToVideo"
WINDOW_PATCHES = ("ContextWindowsManual", "WanContextWindowsManual")  # a model patch making windows of its own
OFFSET_OUT = 5  # WanAnimateToVideo's output 'video_frame_offset': what an extension continues from


def _default(b, name: str):
    spec = b.g.registry.get(ANIMATE)
    return next((p.default for p in spec.params if p.name == name), None)


def _alone(b, node: CNode, up: list[CNode]) -> bool:
    """Whether ``node`` is a native WanAnimateToVideo making its take alone: continuing none, continued by none,
    sampled by ComfyUI's own samplers (a pack's, as a chunk sampler, may window it), its model windowed by no patch,
    its window not already set (a take and its extensions: comfy_animate_extend)."""
    wf = b.wf
    if node.cls != NODE or node.origin or "window" in b.extra or wf.source(node, "continue_motion") is not None:
        return False
    samplers = [wf.nodes[s] for s in b.pass_key if s in wf.nodes]
    if not samplers or any(s.cls not in SAMPLERS or s.origin for s in samplers):  # a pack's may sample in chunks
        return False
    if any(n.cls in WINDOW_PATCHES for n in up):
        return False
    return not any(n.cls == NODE and (link := n.links.get("video_frame_offset")) is not None
                   and link[0] == node.id and link[1] == OFFSET_OUT for n in wf.nodes.values())


def plan(b, node: CNode | None, up: list[CNode], said: list[str]) -> None:
    """``b.extra['window']`` the length of a lone native WanAnimateToVideo saved as a number past Studio's window (one
    segment, as ComfyUI samples it); a length wired from another node: said, with the 'window' for one pass."""
    if node is None or not _alone(b, node, up):
        return
    window = _default(b, "window")
    length = b.wf.value(node, "length")
    if isinstance(length, int) and not isinstance(length, bool):
        if isinstance(window, int) and length > window:
            b.extra["window"] = length
        return
    src = b.wf.source(node, "length")
    if src is None or not isinstance(window, int):
        return
    overlap = b.extra.get("overlap") or _default(b, "overlap")
    said.append(f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) samples the whole length "
                f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) gives it when the workflow runs in one "
                f"pass; Studio's Wan Animate makes a clip longer than its 'window' ({window} frames) in segments, "
                f"each continuing from the last {overlap} frame{'' if str(overlap) == '1' else 's'} of the one "
                "before: set 'window' to the clip's length (4k + 1 frames) for one pass")
