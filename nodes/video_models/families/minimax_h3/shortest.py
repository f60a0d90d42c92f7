"""MiniMax H3's shortest take as ComfyUI makes it (left25; heldout115 01: 56 frames asked). ComfyUI's MiniMax H3
nodes (MiniMaxH3ImageToVideo, MiniMaxH3ReferenceToVideo, EmptyMiniMaxH3LatentAV in comfy_extras/nodes_minimax.py:
``temporal_shape``, read for its arithmetic) make ``max(5, length)`` frames rounded up to the 17k + 5 grid, so 56
frames make 56 (the tooltip: "trained range is ~124-362"); diffusers' MiniMaxH3ModularPipeline refuses fewer than 5
seconds (its ``min_duration`` property, read by its before-denoise and before-encoder blocks from the pipeline they
run on). Studio makes what ComfyUI makes: the pipeline in memory is given ComfyUI's floor, 5 frames, in place of
diffusers' 5 s, by a subclass of its own class that says only that (its blocks and weights are diffusers' own)."""
from __future__ import annotations

FEWEST = 5  # frames: ComfyUI's shortest MiniMax H3 take (max(5, length) on the 17k + 5 grid)
_FLOORED: dict[type, type] = {}  # a pipeline class -> its subclass with ComfyUI's floor


def comfy_floor(pipe) -> None:
    """``pipe`` (a MiniMax H3 modular pipeline) with ComfyUI's shortest take, FEWEST frames, as its ``min_duration``
    (seconds at its fps); nothing where it has no such property or has ComfyUI's already."""
    cls = type(pipe)
    if cls in _FLOORED.values() or not isinstance(getattr(cls, "min_duration", None), property):
        return
    if cls not in _FLOORED:
        _FLOORED[cls] = type(cls.__name__, (cls,), {
            "__module__": cls.__module__,
            "__doc__": f"{cls.__name__} with ComfyUI's shortest MiniMax H3 take ({FEWEST} frames) as its floor",
            "min_duration": property(lambda self: FEWEST / self.fps)})
    pipe.__class__ = _FLOORED[cls]
