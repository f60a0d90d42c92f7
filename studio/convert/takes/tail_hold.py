"""A frame of joined takes held at their end: ComfyUI's ImageBatch (extend.BATCHES) of the joined takes' frames and,
after them, one of those frames repeated (a frame pick, extend.pick_of, of the same frames, one frame, then
VideoHelperSuite's VHS_DuplicateImages 'multiply_by' times) made as Studio's Time (hold: that frame for as many
frames) of the joined video, concatenated after it. VHS_DuplicateImages is known by name: that it repeats its
pictures (images in, images out, an INT) its declared types do not say (read for its inputs:
Kosinkadink/ComfyUI-VideoHelperSuite's DuplicateImages, every picture 'multiply_by' times). Made only where the frame
and the joined takes' length are known (the frame past their end: their last, as ImageFromBatch clamps it). Found by
the fifty-first held-out set: a Wan 2.2 long take's last frame held 10 frames at the end was "not applied". Plain
data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from .extend import BATCHES, pick_of

DUPLICATES = {"VHS_DuplicateImages": ("images", "multiply_by")}  # by name (see above): its pictures, how many times


PASS = ("CreateVideo", "Reroute")  # the pictures given on as they are (a video of them)
INTO = ("images", "video", "image")


def _batch(wf, save: CNode) -> CNode | None:
    """The batch ``save``'s pictures are (through a CreateVideo or a Reroute), else None."""
    n = save
    for _ in range(8):
        src = next((wf.source(n, k) for k in INTO if k in n.links), None)
        if src is None or src.cls in BATCHES:
            return src
        if src.cls not in PASS:
            return None
        n = src
    return None


def found(wf, save: CNode) -> tuple[CNode, CNode, CNode, int, int] | None:
    """(the batch, the pick, the repeat, the frame picked, how many times) where ``save``'s pictures are a batch of
    frames and one of those frames repeated after them; else None."""
    batch = _batch(wf, save)
    if batch is None or batch.cls not in BATCHES or sorted(batch.links) != ["image1", "image2"]:
        return None
    dup = wf.source(batch, "image2")
    if dup is None or dup.cls not in DUPLICATES or not dup.enabled:
        return None
    images, times = DUPLICATES[dup.cls]
    pick = wf.source(dup, images)
    names = pick_of(pick)
    if pick is None or names is None or not pick.enabled or pick.links.get("image") != batch.links["image1"]:
        return None
    at, count = (wf.value(pick, k) if k else None for k in names)
    n = wf.value(dup, times)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (at, count, n)) or at < 0 or count != 1 or n < 1:
        return None
    return batch, pick, dup, at, n


def append(b: Any, save: CNode, out: tuple[str, str], frames: int | None, band: list) -> tuple[tuple[str, str], str]:
    """``out`` (the joined takes' video, ``frames`` long) with the held frame after it, where ``save`` holds one (see
    above) and ``frames`` is known: (the video, its sentence); else (``out``, '')."""
    got = found(b.wf, save) if frames else None
    if got is None:
        return out, ""
    batch, pick, dup, at, n = got
    frame = min(at, frames - 1)
    hold = b.add("edit.time", {"mode": "hold", "hold_frame": frame, "length": n}, dup)
    b.g.connect(*out, hold, "video")
    cat = b.add("edit.concatenate", {"conform": "conform to first"}, batch)
    b.g.connect(*out, cat, "a")
    b.g.connect(hold, "video", cat, "b")
    band += [hold, cat]
    b.used |= {batch.id, pick.id, dup.id}
    last = " (their last)" if frame == frames - 1 else ""
    return (cat, "video"), (f"{dup.named()} repeats frame {frame}{last} of the joined takes ({pick.named()}) {n} "
                            f"times after them ({batch.named()}): Time (hold) of the joined video, concatenated after it")
