"""Core ComfyUI's native VACE extension (left25; vacerange24's leftover): WanVaceToVideo's control_video a batch of a
clip's last frames (a pick of a run of them) and grey frames after (EmptyImage, its colour mid grey), its control_masks
a batch of solid masks, 0 over the clip's frames (kept) and 1 over the grey ones (made): the layout VACE's own
extension task uses (ali-vilab/VACE 'frameref'/'extension': given frames kept, grey with mask 1 to make), read from the
declared types of core ComfyUI's nodes (nodes.py ImageBatch, EmptyImage; comfy_extras nodes_mask.py SolidMask,
MaskToImage, ImageToMask; nodes_images.py RepeatImageBatch; BatchImagesNode). Studio's Wan VACE continuing the clip is
its keyframe run (takes/keyframes_at.py, vacerange24): the clip on 'keyframe_1', its last N frames at frames 0..N-1
('0=-N..last'), the rest of the take made. A batch whose masks do not keep exactly the clip's frames, a colour not grey,
or a run not fitting the take is not read so (as before). Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

from .comfy_vace_runs import frame_run

BATCHES = {"ImageBatch": ("image1", "image2"), "BatchImagesNode": ("images.image0", "images.image1")}
GREYS = {0x7F7F7F, 0x808080}  # EmptyImage's colour as an RGB integer: mid grey
THROUGH = {"MaskToImage": "mask", "ImageToMask": "image", "RepeatImageBatch": "image"}  # a mask's one-input steps


def _solid(wf, n, port: str, way: list) -> tuple[float, int] | None:
    """(the SolidMask value, the frames it is repeated to) on the one-input way into ``n``'s ``port``; None else."""
    frames, src = 1, wf.source(n, port)
    while src is not None and src.cls in THROUGH:
        way.append(src)
        if src.cls == "RepeatImageBatch":
            amount = wf.value(src, "amount")
            if not isinstance(amount, int) or isinstance(amount, bool):
                return None
            frames *= amount
        src = wf.source(src, THROUGH[src.cls])
    if src is None or src.cls != "SolidMask" or not isinstance(v := wf.value(src, "value"), (int, float)):
        return None
    way.append(src)
    return float(v), frames


def _masks(wf, node, way: list) -> tuple[int, int] | None:
    """(frames kept: mask 0, frames made: mask 1) of the masks batched into ``node``'s control_masks; None else."""
    src = wf.source(node, "control_masks")
    while src is not None and src.cls == "ImageToMask":
        way.append(src)
        src = wf.source(src, "image")
    ports = BATCHES.get(src.cls) if src is not None else None
    if ports is None or set(k for k in src.links if k.startswith("image")) != set(ports):
        return None
    way.append(src)
    first, second = (_solid(wf, src, k, way) for k in ports)
    if first is None or second is None or first[0] != 0 or second[0] != 1:
        return None
    return first[1], second[1]


def read_extension(b, node, inputs: dict, said: list[str]) -> bool:
    """``node`` (a WanVaceToVideo) given core ComfyUI's extension batches: its control read as Studio's Wan VACE
    keeping the clip's last frames at the take's start (True); False (nothing changed) for anything else."""
    wf = b.wf
    src = wf.source(node, "control_video")
    ports = BATCHES.get(src.cls) if src is not None else None
    if ports is None or set(k for k in src.links if k.startswith("image")) != set(ports):
        return False
    run, grey = frame_run(wf, src, ports[0]), wf.source(src, ports[1])
    way: list = []
    masks, length = _masks(wf, node, way), wf.value(node, "length")
    if run is None or grey is None or grey.cls != "EmptyImage" or wf.value(grey, "color") not in GREYS or \
            masks is None or masks[0] != run[1] or not isinstance(length, int) or run[1] >= length:
        return False
    kept_said, kept_inputs = list(said), dict(inputs)
    b.intent(src, ports[0], "keyframe_1", inputs, said)
    if "keyframe_1" not in inputs:  # (no file behind it after all: read as before)
        said[:] = kept_said
        inputs.clear()
        inputs.update(kept_inputs)
        return False
    count = run[1]
    mark = f"0={-count}..last" if run[0] == -1 else "0=0..last"  # (a pick from a fixed frame: made as Studio's Trim)
    if run[0] == -1:
        said[:] = [x for x in said if "wired without that step" not in x]
    b.keyframes.append(mark)
    b.used |= {src.id, grey.id, run[2].id, *(x.id for x in way)}
    b.wf.made_within[src.id] = "Wan VACE (its control clip and masks from its keyframe run)"
    inputs.pop("video", None)
    inputs.pop("mask", None)
    said[:] = [line for line in said if "'control_" not in line]
    what = f"the last {count} frames" if run[0] == -1 else f"frames {run[0]} to {run[0] + count - 1}"
    said.append(f"{src.named()} batches {what} of the clip before {grey.named()}'s grey frames, and the masks of "
                f"WanVaceToVideo (#{node.id}) keep those {count} frames (SolidMask 0) and make the rest (SolidMask 1): "
                f"VACE continuing the clip, read as Studio's Wan VACE keeping them at the take's start (its 'keyframes' "
                f"'{mark}'; 'frames' {number(length)}, the rest made)")
    return True
