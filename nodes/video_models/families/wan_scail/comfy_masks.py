"""ComfyUI's painting of SAM 3's tracks into SCAIL-2's identity masks (SCAIL2ColoredMask, comfy_extras/nodes_scail.py at
comfyanonymous/ComfyUI@1320142, read for its meaning, no code copied) as Studio reads it: each tracked person in its
own colour of the palette the model was trained on (blue, red, green, magenta, cyan, yellow), in one order on the
driving video's mask and the reference's (left to right, by area, or SAM 3's), so that the reference's n-th person
takes the place of the driving video's n-th; the driving mask's background black in animation mode, white in
replacement mode, the reference's always black. Studio's SCAIL-2 Character paints the one mask Segment gives (every
instance found, their union) in the palette's first colour on the background of its mode: the same identity masks
where each side has one person, one identity for all where there are more. Said once per node, marked read
(``b.used``). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

MASKS = ("pose_video_mask", "reference_image_mask")  # WanSCAILToVideo's inputs the painting gives
ORDER = {"left_to_right": "left to right", "area": "the largest first", "none": "in the order SAM 3 found them"}


def painters(b, node: CNode, passing: tuple[str, ...]) -> list[CNode]:
    """The painting nodes (the family's ``passing`` types: their behaviour is not in their declaration) whose masks
    ``node``'s mask inputs are given, each once."""
    out: list[CNode] = []
    for k in MASKS:
        src = b.wf.source(node, k)
        if src is not None and src.cls in passing and src not in out:
            out.append(src)
    return out


def said(b, node: CNode, painter: CNode, replace: bool) -> list[str]:
    """The sentences of ``painter`` (its colours, its picks, its background against ``node``'s mode); marked read."""
    wf = b.wf
    b.used.add(painter.id)
    order = wf.value(painter, "sort_by")
    picked = wf.value(painter, "object_indices")
    own = wf.value(painter, "replacement_mode")
    out = [f"{painter.named()} paints each person SAM 3 tracks in its own colour of SCAIL-2's palette "
           f"({ORDER.get(order, str(order)) if order is not None else 'left to right'}), in one order on the driving "
           "video's mask and the reference's, so that the reference's n-th person takes the n-th's place: Studio's "
           "SCAIL-2 node paints the one mask Segment gives (every instance it finds) in the palette's first colour, the "
           "same masks where one person is found on each side; where there are more, its per-person colours are not "
           "applied (they are one identity)"]
    for k in ("driving_track_data", "ref_track_data"):
        _checkpoint_said(b, wf.source(painter, k))
    if isinstance(picked, str) and picked.strip():
        out.append(f"{painter.named()}'s object_indices '{picked.strip()}' (the people it keeps) are not applied: "
                   "Segment's mask holds every instance it finds (or one, by its 'instance')")
    if isinstance(own, bool) and own != replace:
        out.append(f"{painter.named()} paints the driving mask's background {'white' if own else 'black'} (its "
                   f"replacement_mode {own}) while {node.named()} is in {'replacement' if replace else 'animation'} "
                   f"mode: Studio's SCAIL-2 node paints it {'white' if replace else 'black'}, as its mode "
                   f"'{'replace' if replace else 'animate'}' does, not {'white' if own else 'black'} as the workflow "
                   "gives it to the model")
    return out


def _checkpoint_said(b, tracker: CNode | None) -> None:
    """The loader of the SAM 3 model ``tracker`` tracks with (its 'model'), passed over with its sentence: Studio's
    Segment takes a SAM 3 video folder on Load Preprocessor, not ComfyUI's file (said once)."""
    wf = b.wf
    loader = wf.source(tracker, "model") if tracker is not None else None
    if loader is None or loader.id in b.used or loader.id in b.over:
        return
    files = [v for v in loader.settings().values() if isinstance(v, str) and v.endswith(".safetensors")]
    b.over[loader.id] = (f"{loader.named()} loads {repr(files[0]) if files else 'the model'}, the SAM 3 model "
                         f"{tracker.named()} tracks with: not loaded, Studio's Segment takes its SAM 3 model on Load "
                         "Preprocessor (kind 'segment': a Hugging Face SAM 3 video folder), not ComfyUI's file")
