"""The WanVideoWrapper's Time-to-Move (its WanVideoAddTTMLatents, read for meaning: kijai's ComfyUI-WanVideoWrapper
nodes.py, its example wanvideo_2_2_I2V_A14B_TimeToMove_example.json; time-to-move/TTM): WanVideoAddTTMLatents on a
WanVideoImageToVideoEncode (the start image; the take's width, height and frames) given the motion reference clip
encoded (WanVideoEncode, read as VAEEncode by then) on 'reference_latents' and the mask on 'mask', its start_step
(the step sampling starts at, from the reference noised to it) and end_step (until which the masked region follows
the reference), is read as one node, ``TTM``, which Wan's mapping (comfy.py) reads as Studio's Image to Video with
its motion_reference, motion_mask, motion_start_step and motion_end_step. The node is told by its type: its inputs
(embeds, a latent, a mask, two steps) do not say that it is Time-to-Move; a fork's copy of it is read
as it by its sockets (studio/convert/packs/twins.py). Wired otherwise it is kept as it is (the
task held, said). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite
from studio.core.shown import number

EMBEDS = "WanVideoAddTTMLatents"
I2V = "WanVideoImageToVideoEncode"
# the node the reading makes in the embeds node's place: no ComfyUI node; Wan's mapping reads it (comfy.py TASKS)
TTM = "WanVideoWrapperTimeToMove"
WIDGETS = {EMBEDS: ("start_step", "end_step")}
NOT_TAKEN = ("end_image", "control_embeds", "temporal_mask", "extra_latents", "add_cond_latents")


def _encoded_clip(t, n: CNode, port: str):
    """(the encode node, the clip it encodes) given on ``n``'s ``port`` through a VAE encode, or (None, None)."""
    link = t.link(n, port)
    enc = t.wf.nodes.get(link[0]) if link else None
    clip = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    return (enc, clip) if clip is not None else (None, None)


PICTURES = ("IMAGE", "MASK")


def _way(t, link: tuple[str, int]) -> list[tuple[str, int]]:
    """The outputs a picture link comes through: up through the nodes that take one picture (by their declared input
    types: a resize, a channel picked, frames picked) to the node that makes it (a loader, or one taking several)."""
    way = [tuple(link[:2])]
    for _ in range(8):
        node = t.wf.nodes.get(way[-1][0])
        pics = [v for k, v in node.links.items() if node.in_types.get(k) in PICTURES] if node is not None else []
        if len(pics) != 1:
            break
        way.append(tuple(pics[0][:2]))
    return way


def drawn_together(t, reference, mask) -> CNode | None:
    """The node two of whose outputs the reference clip and the mask come through (its IMAGE and its MASK: it makes
    both), or None where they come apart (two files, as the release's motion_signal and mask videos)."""
    mine = dict(_way(t, mask))
    hit = next((nid for nid, slot in _way(t, reference) if nid in mine and mine[nid] != slot), None)
    return t.wf.nodes.get(hit) if hit is not None else None


def _held(t, n: CNode, why: str) -> None:
    t.say(n, f"{CNode.named(n)} is read as Studio's Image to Video with Time-to-Move where it is given a {I2V} with a "
             "start image on 'embeds', a clip encoded on 'reference_latents' and a mask on 'mask', each made apart (as "
             f"the release's motion_signal and mask videos): {why}, so the task is held")


def ttm(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoAddTTMLatents) as ``TTM``: (latent, positive, negative); None (kept, the task held with a
    sentence) where it is not wired as the wrapper's examples wire it."""
    src = t.link(n, "embeds")
    i2v = t.wf.nodes.get(src[0]) if src else None
    image = t.link(i2v, "start_image") if i2v is not None and i2v.cls == I2V else None
    enc, reference = _encoded_clip(t, n, "reference_latents")
    mask = t.link(n, "mask")
    if image is None or reference is None or mask is None:
        _held(t, n, "not so here")
        return None
    drawer = drawn_together(t, reference, mask)
    if drawer is not None:
        _held(t, n, f"here the clip and the mask are two outputs of one node, '{drawer.title or drawer.shown_cls}' "
                    f"({drawer.shown_cls}, #{drawer.id}), which makes both together")
        return None
    extra = [k for k in NOT_TAKEN if k in i2v.links]
    if extra:
        _held(t, n, f"its image-to-video encode '{i2v.title or i2v.shown_cls}' (#{i2v.id}) is also given "
                    f"{', '.join(extra)}, which Studio's Time-to-Move does not take")
        return None
    w, e = t.named(n), t.named(i2v)
    ew = t.named(enc)
    aug, strength = ew.get("noise_aug_strength"), ew.get("latent_strength")
    if (finite(aug) and aug != 0) or (finite(strength) and strength != 1):
        t.say(enc, f"{CNode.named(enc)}'s noise_aug_strength {number(aug or 0)} and latent_strength "
                   f"{number(strength if finite(strength) else 1)} are not taken: Studio's Time-to-Move encodes the "
                   "motion reference as it is")
    t.wf.taken.update(x.id for x in (i2v, enc))  # the node encodes them itself
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(i2v, "vae")),
                               ("start_image", image), ("clip_vision_output", t.link(i2v, "clip_embeds")),
                               ("motion_reference", reference), ("motion_mask", mask)) if v is not None}
    size = {k: e.get(port) if e.get(port) is not None else t.wf.value(i2v, port)  # (a wired size worked out)
            for k, port in (("width", "width"), ("height", "height"), ("length", "num_frames"))}
    steps = {k: w.get(k) if w.get(k) is not None else t.wf.value(n, k) for k in ("start_step", "end_step")}
    c = t.core(n, TTM, {**size, "batch_size": 1, **steps}, links)
    c.ports.update(start_image=(i2v, "start_image"), motion_reference="reference_latents", motion_mask="mask",
                   clip_vision_output=(i2v, "clip_embeds"))
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    known = all(finite(v) for v in steps.values())
    t.say(n, f"{CNode.named(n)} with its image-to-video encode '{i2v.title or i2v.shown_cls}' (#{i2v.id}) is read as "
             "Studio's Image to Video with Time-to-Move: the start image as its image, the clip encoded on "
             "'reference_latents' as its motion_reference, the mask on 'mask' as its motion_mask, " + (
                 f"start_step {number(steps['start_step'])} and end_step {number(steps['end_step'])} as its "
                 "motion_start_step and motion_end_step" if known else
                 "its start_step and end_step not known when converting (the generator's own motion_start_step and "
                 "motion_end_step stand: set the workflow's)") + "; the node encodes the reference itself")
    return (c.id, 2), (c.id, 0), (c.id, 1)
