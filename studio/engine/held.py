"""The memory a graph's nodes will hold, foreseen from the graph before it runs: each clip's frames and
size followed from the nodes that set them down the wires, and each node's output counted as a clip
held whole (frames x height x width x RGB float32: what a node that makes its clip whole holds, in
memory or in its frames buffer, and what ComfyUI holds as an IMAGE batch). A server refuses a job
whose largest node would not fit before anything is allocated (studio.serve.checks.bounds).

The sizes come from what the engine already foresees (``Node.foresee``: a file's declared frames, an
upscaler's size) and from the parameters every node that sets a size declares (``width``, ``height``,
``frames``, a ``scale`` of its input's size; 0 is "the input's" or "the model's own" and is left to
the input). A node that foresees a ``bytes`` fact for an output (the work it needs besides the clip:
an upscale's tiles) has it counted too; a video model's generator foresees the frames its run makes,
'frames' 0 included (the model's own length, or its wired clip's or voice's). What cannot be known
before the run is left out (counted as one frame, or not at all without a size). Cheap, plain Python."""
from __future__ import annotations

from typing import Any

from .foresight import inputs_of, own_facts

CLIPS = ("Video", "Mask", "Image")
CHANNELS = 3  # RGB, as ComfyUI holds an image and Studio a clip
SIZES = ("frames", "width", "height")


def _positive(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0


def _sized(st, inputs: dict[str, dict]) -> dict:
    """The size of a node's clip outputs from its parameters and its first wired clip input."""
    spec = st.node.spec
    first = next((inputs[i.name] for i in spec.inputs if i.type in CLIPS and inputs.get(i.name)), {})
    out = {k: first[k] for k in SIZES if _positive(first.get(k))}
    p = st.params
    scale = p.get("scale")
    if _positive(scale) and "width" in out and "height" in out and not _positive(p.get("width")):
        out["width"], out["height"] = round(out["width"] * scale), round(out["height"] * scale)
    for k in SIZES:
        if _positive(p.get(k)) and isinstance(p.get(k), int):
            out[k] = p[k]
    return out


def foreseen(plan, base_dir: str | None) -> dict[str, dict[str, dict]]:
    """node id -> {output: facts} for every step of ``plan``, in its order: the node's own (foresee)
    over the sizes its parameters and inputs give."""
    facts: dict[str, dict[str, dict]] = {}
    for st in plan.steps:
        spec = st.node.spec
        if spec is None:
            continue
        inputs = inputs_of(st, facts)
        sized = _sized(st, inputs)
        own = own_facts(st, base_dir, inputs)
        facts[st.node.id] = {o.name: {**(sized if o.type in CLIPS else {}), **own.get(o.name, {})}
                             for o in spec.outputs}
    return facts


def clip_bytes(f: dict) -> int | None:
    """Bytes of a clip of ``f``'s size held whole as RGB float32, None when its size is not known."""
    if not (_positive(f.get("width")) and _positive(f.get("height"))):
        return None
    return int(f.get("frames") or 1) * int(f["width"]) * int(f["height"]) * CHANNELS * 4


def estimates(plan, base_dir: str | None) -> list[tuple[Any, int, str, dict]]:
    """(node, bytes, how, size) of each node of ``plan`` whose outputs' size is foreseen: the largest of
    its clips held whole, and the work it foresees besides (``bytes``); ``size``: that clip's facts
    (its ``width``, ``height`` and ``frames``: what a server names the setting of, studio.serve.checks.bounds)."""
    out = []
    facts = foreseen(plan, base_dir)
    for st in plan.steps:
        best: tuple[int, str, dict] | None = None
        for f in facts.get(st.node.id, {}).values():
            held = clip_bytes(f)
            if held is None:
                continue
            extra = int(f.get("bytes") or 0)
            how = f"{f['width']}x{f['height']} x {int(f.get('frames') or 1)} frame(s), RGB float32"
            if extra:
                how += f", and {extra / 2**20:,.0f} MB of its own work"
            if best is None or held + extra > best[0]:
                best = (held + extra, how, f)
        if best is not None:
            out.append((st.node, *best))
    return out
