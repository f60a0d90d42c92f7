"""A job's memory estimated from its prompt before it is queued: the images the workflow's image and
latent sources declare (EmptyImage's batch, an empty latent's frames once decoded) held as ComfyUI
holds them, RGB float32, against the memory this machine has free. A prompt over it is a 400 naming
each node and its size, instead of a job that grows the server until the system kills it (an
EmptyImage of 4096x4096x2000 is 375 GB). Studio streams some clips (Solid Colour) and would hold
less; ComfyUI would hold this much, and a client is told what ComfyUI would need."""
from __future__ import annotations

from .prompt import Refused
from .validate import error

BYTES = 3 * 4  # a pixel of an RGB float32 image
# the node types whose outputs are images of a declared size: (width, height, (inputs multiplied for frames))
SOURCES = {"EmptyImage": ("width", "height", ("batch_size",)),
           "EmptyLatentImage": ("width", "height", ("batch_size",)),
           "EmptyHunyuanLatentVideo": ("width", "height", ("length", "batch_size"))}


def estimate(node: dict) -> tuple[int, str] | None:
    """(bytes, how) of the images ``node`` makes; None when it makes none of a declared size."""
    names = SOURCES.get(node.get("class_type"))
    inputs = node.get("inputs") or {}
    if names is None:
        return None
    w, h = inputs.get(names[0]), inputs.get(names[1])
    counts = [inputs.get(k, 1) for k in names[2]]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (w, h, *counts)):
        return None  # linked or refused elsewhere
    frames = 1
    for c in counts:
        frames *= c
    return w * h * frames * BYTES, f"{w}x{h} x {frames} frame(s), RGB float32"


def check(prompt: dict, available: int) -> None:
    """Refused when the images the prompt's sources make would not fit in ``available`` bytes."""
    sized = {nid: e for nid, n in prompt.items() if (e := estimate(n)) is not None}
    total = sum(b for b, _ in sized.values())
    if total <= available:
        return
    node_errors = {}
    for nid, (nbytes, how) in sized.items():
        e = error("job_too_large", "The images this node makes do not fit in the memory this machine has free",
                  f"{how}: about {_gb(nbytes)} (the prompt's images: {_gb(total)}; free: {_gb(available)}); "
                  "make fewer frames or smaller ones")
        node_errors[nid] = {"errors": [e], "dependent_outputs": [], "class_type": prompt[nid]["class_type"]}
    raise Refused("Prompt outputs failed validation", node_errors, kind="prompt_outputs_failed_validation",
                  details="\n".join(f"{v['errors'][0]['message']}: {v['errors'][0]['details']}"
                                    for v in node_errors.values()))


def _gb(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"
