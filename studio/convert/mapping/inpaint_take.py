"""A loaded clip's encoded latent given a noise mask (a node masking the latent, told by its declared types:
tracing/masked_encodes.masks_latent - ComfyUI's SetLatentNoiseMask) and sampled whole (denoise 1, noise added) by a
model whose family inpaints in Studio (families/abilities.INPAINTS): the task is the clip inpainted, outpainted or
continued, made by Text to Video with the clip on 'inpaint_video' and the mask on 'inpaint_mask' (the Sampler puts the
kept region back after every step: nodes/video_models/sampling/kept_region.py). ComfyUI's ImagePadForOutpaint on the
clip's way with its mask (carried, or thresholded: ThresholdMask) on the noise mask is Studio's Pad with its mask
(a threshold: Mask Tools'). LanPaint's samplers, read as ComfyUI's KSampler / KSamplerAdvanced / SamplerCustomAdvanced
by their sockets (reading/lookalike), sample the same task with inner steps of their own, said not applied
(lanpaint_said). Plain data."""
from __future__ import annotations

from studio.core.shown import number

from .. import catalogue
from ..families import abilities
from ..reading import pads as pad_reading
from ..reading.workflow import LOADER_NODES, CNode
from ..tracing.mask_by_time import time_words
from ..tracing.mask_window import window_words
from ..tracing.tasks import T2V, Task, family
from ..tracing.walks import adds_noise, model_file
from . import held_takes, split_strength

INPAINT = "a clip inpainted, outpainted or continued by a noise mask"
GREY = "#808080"  # ComfyUI's ImagePadForOutpaint fills its borders with 0.5 grey


def mask_port(n: CNode) -> str | None:
    """The input of ``n`` its noise mask comes in by: its declared MASK input (else one named 'mask'), where wired."""
    t = catalogue.node_type(n.origin or n.cls)
    names = [i.name for i in (t.inputs or ()) if i.type == "MASK"] if t is not None else []
    return next((k for k in (*names, "mask") if k in n.links), None)


def read(b, first: CNode, node: CNode, mask: CNode, found, d: float | None, up: list) -> Task | None:
    """The inpainting task of ``first`` sampling ``node``'s encoded clip (``found``: its loader) through noise mask
    ``mask``; None where it is not one Studio makes so (denoised part way, no noise added, a mask by a time window,
    no file loaded, a family that does not inpaint)."""
    wf = b.wf
    if d is None or d < 1 or not adds_noise(wf, first) or found is None or (node.id, "pixels") in b.continuing:
        return None
    if LOADER_NODES.get(found[0].cls, ("", ""))[1] not in ("video", "image") or mask_port(mask) is None:
        return None
    if window_words(wf, mask) or time_words(wf, mask):  # (a window of frames kept: the continuations' rules)
        return None
    loaders = getattr(b, "take_loaders", None) or []
    if not abilities.inpaints(family(model_file(wf, loaders[0]) if loaders else None, None, up)):
        return None
    port = mask_port(mask)

    def with_mask(b, node, up, spec, inputs, said):
        b.used.add(mask.id)
        pad = b.pad if b.pad is not None and _on_way(wf, node, b.pad) else None
        made = _padded(b, node, mask, port, pad) if pad is not None else None
        if made is None:
            b.intent(mask, port, "inpaint_mask", inputs, said)
            _repeats_said(b, mask, port, said)
        said.append(f"{mask.named()} keeps the encoded clip outside its mask in the latent {first.named()} denoises "
                    "whole: Text to Video makes the take with that clip on 'inpaint_video' and the mask on "
                    "'inpaint_mask' (after every step the kept region is put back noised to the next step's level, "
                    "the clip as encoded after the last, as ComfyUI's noise mask keeps it)" + (made or "") + LENGTH)
        return None
    return Task(INPAINT, T2V, (("pixels", "inpaint_video"),), read=with_mask)


def _repeats_said(b, mask: CNode, port: str, said: list[str]) -> None:
    """Where the mask's way from its file only carries it on (MaskToImage, ImageToMask) and repeats it to a batch
    (RepeatImageBatch's 'amount'), the sentence saying it wired without those steps made true to what Studio does: a
    one-frame 'inpaint_mask' holds every frame of the take."""
    line = b.wired_without.get("inpaint_mask")
    if line not in said:
        return
    link, repeats = mask.links.get(port), []
    while link is not None and link[0] in b.wf.nodes and (n := b.wf.nodes[link[0]]).cls not in LOADER_NODES:
        if not pad_reading.carries(n):
            return
        repeats += [n] if "amount" in n.links or "amount" in n.widgets else []
        link = next(iter(n.links.values()), None)
    if link is None or not repeats:
        return
    b.used |= {n.id for n in repeats}
    said[said.index(line)] = (f"{mask.of(port)} is a mask {', '.join(n.named() for n in repeats)} repeats over the "
                              "clip's frames: Studio's Text to Video holds a one-frame 'inpaint_mask' on every frame")


def held_words(b, first: CNode, mask: CNode, d: float | None, up: list) -> str | None:
    """What Studio cannot do where a noise-masked clip of a family that inpaints is sampled part way (Text to Video's
    inpaint samples the masked part from noise); None where that is not why it is held."""
    loaders = getattr(b, "take_loaders", None) or []
    if d is None or d >= 1 or window_words(b.wf, mask) or time_words(b.wf, mask) or \
            not abilities.inpaints(family(model_file(b.wf, loaders[0]) if loaders else None, None, up)):
        return None
    return (f"inpaint a clip by a noise mask at denoise {number(d)} ({first.named()}: Text to Video's 'inpaint_video' "
            "and 'inpaint_mask' make the masked part from noise, at denoise 1)")


# the take's length (its frames 0: the clip's own): Wan's VAE encodes 1 + 4k frames (ComfyUI's wan/vae.py encode:
# 1 + (t - 1) // 4 latent frames, the frames past them dropped); Studio's inpaint repeats the clip's last frame up to
# the next 1 + 4k for the encode and gives back every frame of the clip (nodes/video_models/sampling/kept_region.py)
LENGTH = ("; the take is as long as the clip: where that is not 1 + 4k frames ComfyUI's encode keeps its first 1 + 4k "
          "(40 frames give 37), Studio makes every frame of the clip")

def encoded(b, node: CNode, up: list, spec: Task, inputs: dict, said: list[str]) -> Task | None:
    """An encode masking its own latent (tracing/tasks.INPAINT_ENCODED: VAEEncodeForInpaint, InpaintModelConditioning
    with its 'noise_mask' on) read for Text to Video's 'inpaint_video' and 'inpaint_mask' (its ports, read): None where
    the take's sampler denoises it whole with a family that inpaints (said; VAEEncodeForInpaint's grow made by Mask
    Tools once the generator is: ``wired``), else the task held, said why."""
    wf, first = b.wf, b.take_sampler
    d, loaders = split_strength.denoise(wf, first), getattr(b, "take_loaders", None) or []
    masked = node.cls != "InpaintModelConditioning" or wf.value(node, "noise_mask") is not False
    fam = family(model_file(wf, loaders[0]) if loaders else None, None, up)
    inpaints = abilities.inpaints(fam)
    if not (d is not None and d >= 1 and adds_noise(wf, first) and masked and inpaints
            and {"inpaint_video", "inpaint_mask"} <= set(inputs)):
        why = ("its 'noise_mask' is off: the whole clip is noised away, its masked clip a condition only models with "
               "inpainting channels read" if not masked else f"{first.named()} denoises it part way (denoise "
               f"{number(d)}): Text to Video's 'inpaint_video' and 'inpaint_mask' make the masked part from noise, at "
               "denoise 1" if d is not None and d < 1 else "the model's family does not inpaint in Studio (Text to "
               "Video's 'inpaint_video' takes the models on Wan's VAE)" if not inpaints else "its clip or its mask is "
               "not a file Studio loads, or its sampler adds no noise")
        held = Task(f"a video from the clip and the mask {node.named()} encodes", None, family=None,
                    cannot=f"inpaint the clip {node.named()} encodes with its mask here: {why}")
        held_takes.record(b, b.pass_key, held.what, fam, None)  # (another output of it: held the same way)
        return held
    grow = wf.value(node, "grow_mask_by") if node.cls == "VAEEncodeForInpaint" else None
    b.inpaint_grow = int(grow) if isinstance(grow, (int, float)) and grow >= 2 else None
    said.append(f"{node.named()} encodes the clip and gives the latent its mask, which {first.named()} denoises whole: "
                "Text to Video makes the take with that clip on 'inpaint_video' and the mask on 'inpaint_mask' (after "
                "every step the kept region is put back noised to the next step's level, as ComfyUI's noise mask keeps "
                "it)" + _encode_words(node, b.inpaint_grow) + LENGTH)
    return None


def _encode_words(node: CNode, grow: int | None) -> str:
    """What Studio makes of the encode's own steps, in words."""
    if node.cls == "InpaintModelConditioning":
        return ("; the masked clip it adds to the conditioning, which a model with inpainting channels reads, is not "
                "given (Text to Video gives such a model none)")
    out = "; the grey it fills the masked pixels with before encoding is not applied (those are made anew)"
    if grow:
        out += (f"; its grow_mask_by {grow}: Studio's Mask Tools rounds the mask and grows it by {grow // 2} px a side "
                f"(a {2 * (grow // 2) + 1}-pixel square; ComfyUI's is {grow} pixels)")
    return out


def _on_way(wf, node: CNode, pad: CNode) -> bool:
    """``pad`` gives its padded pictures to ``node``'s 'pixels' (through any nodes)."""
    todo, seen = [node.links.get("pixels")], set()
    while todo and len(seen) < 256:
        link = todo.pop()
        if link is None or link[0] in seen or link[0] not in wf.nodes:
            continue
        if link[0] == pad.id:
            return link[1] == 0
        seen.add(link[0])
        todo += list(wf.nodes[link[0]].links.values())
    return False


def _threshold(wf, n: CNode) -> float | None:
    """A ThresholdMask's value (a number), else None."""
    v = wf.value(n, "value") if n.cls == "ThresholdMask" else None
    return float(v) if isinstance(v, (int, float)) else None


def _mask_of_pad(wf, mask: CNode, port: str, pad: CNode) -> list[CNode] | None:
    """The nodes between ``pad``'s MASK and ``mask``'s ``port`` (nearest ``mask`` first) where that mask is the pad's,
    carried on (reading/pads: MaskToImage, RepeatImageBatch...) or thresholded (ThresholdMask of a number); None where
    it is another (pads.mask_way, ThresholdMask let through)."""
    return pad_reading.mask_way(wf, mask, port, pad,
                                step=lambda n: _threshold(wf, n) is not None or pad_reading.carries(n))


def _padded(b, node: CNode, mask: CNode, port: str, pad: CNode) -> str | None:
    """The pad read as Studio's Pad before 'inpaint_video', its mask (thresholded as the workflow does) on
    'inpaint_mask' (made once the generator is: ``wired``): the words said; None where it cannot be so read."""
    px = pad_reading.pads(b.wf, pad)
    way = _mask_of_pad(b.wf, mask, port, pad)
    if None in px.values() or not pad_reading.plain(pad) or way is None:
        return None
    cuts = [c for n in reversed(way) if (c := _threshold(b.wf, n)) is not None]  # (nearest the pad first)
    b.inpaint_pad = (pad, px, cuts)
    b.used.add(pad.id)
    b.used |= {n.id for n in way}  # (the carriers and thresholds between: made by the Pad's mask and Mask Tools)
    sides = ", ".join(f"{k} {number(px[k])}" for k in ("left", "top", "right", "bottom"))
    feather = f", feathering {number(px['feathering'])} px" if px["feathering"] else ""
    cut = f", thresholded at {', '.join(number(c) for c in cuts)} (Studio's Mask Tools)" if cuts else ""
    return (f"; {pad.named()} pads the clip by {sides} px{feather} before {node.named()}: Studio's Pad with the same "
            "pixels, filled with grey as ComfyUI's ImagePadForOutpaint fills, gives 'inpaint_video' the padded clip and "
            f"its mask (white on the borders){cut} gives 'inpaint_mask'")


def wired(b, gen: str) -> None:
    """Studio's Pad between the clip on the generator's 'inpaint_video' and it, its mask (through Mask Tools'
    threshold) on 'inpaint_mask', where ``read`` read the workflow's pad for it."""
    _grown(b, gen)
    got = getattr(b, "inpaint_pad", None)
    b.inpaint_pad = None
    src = b.g.input_link(gen, "inpaint_video") if got is not None else None
    if src is None:
        return
    pad, px, cuts = got
    nid = b.add("edit.pad", {**{k: px[k] for k in ("left", "top", "right", "bottom")}, "color": GREY,
                             "feather": px["feathering"]}, pad)
    b.g.connect(src.src, src.src_port, nid, "video")
    b.g.connect(nid, "video", gen, "inpaint_video")
    out = (nid, "mask")
    for c in cuts:
        tid = b.add("edit.mask_tools", {"threshold": c}, pad)
        b.g.connect(*out, tid, "mask")
        out = (tid, "mask")
    b.g.connect(*out, gen, "inpaint_mask")


def _grown(b, gen: str) -> None:
    """VAEEncodeForInpaint's grow_mask_by as Mask Tools (rounded, grown by a square) before 'inpaint_mask'."""
    grow = getattr(b, "inpaint_grow", None)
    b.inpaint_grow = None
    src = b.g.input_link(gen, "inpaint_mask") if grow else None
    if src is None:
        return
    nid = b.add("edit.mask_tools", {"threshold": 0.5, "grow": grow // 2, "grow_shape": "square"}, None)
    b.g.connect(src.src, src.src_port, nid, "mask")
    b.g.connect(nid, "mask", gen, "inpaint_mask")
