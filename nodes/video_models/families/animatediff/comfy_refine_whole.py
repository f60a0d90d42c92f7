"""An AnimateDiff second pass at denoise 1 over a latent upscale of the first pass's take, read as a take of its own
at the upscaled size (heldout118 04: C0nsumption's first/last interpolation, KSampler 512x512 x16 -> LatentUpscaleBy
1.5 -> KSampler at denoise 1, its own save; said "a second pass ... this pass is not made", the save given the first
pass's 512x512 take). At denoise 1 ComfyUI's sampler starts from full noise, the upscaled latent only added beneath it
(its scale, about 1/15 of the noise's at SD 1.5's first sigma); Studio's refine (comfy_refine.py, 0 < denoise < 1)
re-makes decoded frames part way and has no such start, so the pass is read as a new take of the upscaled size from
an empty latent of that size and its own settings, said. Only where the first pass starts from an empty latent of a
known size and a motion-module loader of this family is on the second pass's model. Plain data."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, finite, upstream

EMPTY = ("EmptyLatentImage", "ADE_EmptyLatentImageLarge")  # (comfy.EMPTY: an image latent, its batch the frames)
LATENT_GRID = 8  # SD's VAE: a latent cell per 8 pixels


def _size(wf: Workflow, up: CNode, w: int, h: int) -> tuple[int, int] | None:
    """The pixel size ``up`` scales a ``w`` x ``h`` latent's picture to, as ComfyUI computes it, or None."""
    if up.cls == "LatentUpscaleBy":
        s = wf.value(up, "scale_by")
        if not finite(s) or s <= 0:
            return None
        return round(w // LATENT_GRID * s) * LATENT_GRID, round(h // LATENT_GRID * s) * LATENT_GRID
    nw, nh = wf.value(up, "width"), wf.value(up, "height")  # LatentUpscale (0: that side kept in proportion)
    if not all(isinstance(v, int) and v >= 0 for v in (nw, nh)) or nw == nh == 0:
        return None
    nw = nw or round(nh * w / h)
    nh = nh or round(nw * h / w)
    return nw // LATENT_GRID * LATENT_GRID, nh // LATENT_GRID * LATENT_GRID


def read(wf: Workflow, later: CNode, up: CNode, motion_loaders) -> str | None:
    """``later`` (a sampler at denoise 1 given ``up``'s upscale of a first pass's latent) re-read as a take of its own
    from an empty latent of the upscaled size; its sentence, or None (nothing changed)."""
    first = wf.source(up, "samples")
    empty = wf.source(first, "latent_image") if first is not None and "model" in first.links else None
    if empty is None or not empty.enabled or empty.cls not in EMPTY or \
            not any(n.cls in motion_loaders for n in upstream(wf, later)):
        return None
    w, h, frames = (wf.value(empty, k) for k in ("width", "height", "batch_size"))
    if not all(isinstance(v, int) and v > 0 for v in (w, h, frames)) or (size := _size(wf, up, w, h)) is None:
        return None
    new = CNode(f"{up.id}:anew", "EmptyLatentImage", up.title, up.mode,
                {"width": size[0], "height": size[1], "batch_size": frames}, {}, up.pos, origin=up.shown_cls)
    wf.nodes[new.id] = new
    later.links["latent_image"] = (new.id, 0)
    wf.taken.add(up.id)
    wf.__dict__.pop("_consumers", None)
    return (f"{later.named()} samples {up.named()}'s upscale of {first.named()}'s latent at denoise 1, from full noise "
            f"with that latent only added beneath it: read as a take of its own at the upscaled size ({size[0]}x"
            f"{size[1]}, {frames} frames) from {later.named()}'s own settings, the first pass's frames not shaping it")
