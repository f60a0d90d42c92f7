"""A pass that reworks the frames of another take (issue 112 item 4): an output whose first sampler's latent is
encoded (VAEEncode...) from the decoded frames of another sampler's take, every frame of it (resized or not, none
picked), and denoised part way (denoise below 1), is a refine or restyle of that take, often by another model
(Wan HuMo or Wan 2.2's low-noise model after LTX-2): the same frames reworked, not a segment continuing the
timeline. It is made as two pipelines: the earlier take as any output is (its Save Video taken away), then the pass
as Studio's Video to Video at the pass's denoise on that take's video, with the pass's own model, prompt and
settings. Frames picked on the way (ImageFromBatch...) make a segment or an extension instead (takes.extend), and
a latent noised whole (denoise 1) keeps nothing of the frames: neither is read here. Where the pass's own model's
family declares no video to video (families.abilities: Mochi 1, HunyuanVideo 1.5...), the earlier take alone is made
and written, the pass said not made. A step on the frames' way that another output reads too (a sharpen before the
earlier take's own save) is left to that output to make on its way (restyle10), said not applied to the pass.

Plain data and stdlib: the builder (mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core.shown import number

from ..reading.workflow import CNode, Workflow
from ..tracing.prompts import MAX_SAMPLERS
from ..tracing.sampling import SAMPLERS
from ..tracing.roles import consumers, role
from ..tracing.tasks import family, task_node
from ..tracing.walks import model_file, sampler_chain, sampler_denoise, upstream
from .earlier import earlier_take
from .extend import MATCHES, RESIZES, TRIMS
from .filters import filter_input
from .latent_refine import MAX_PATCHES
from ..families import abilities
from .upsampled_clip import scale_before
from ..tracing.resizes import scale_params

MAX_STEPS = 16  # nodes between the earlier take's decoder and the pass's encoder


@dataclass(frozen=True)
class Pass:
    earlier: CNode  # the sampler whose take the pass reworks
    encode: CNode  # the pass's VAEEncode of that take's frames
    head: CNode  # the pass's first sampler
    denoise: float
    steps: tuple[CNode, ...]  # the image steps between the decoder and the encoder (a resize, a colour match)


def first_sampler(wf: Workflow, samplers: list[CNode]) -> CNode | None:
    ups = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in samplers}
    return next((s for s in samplers if not any(o.id in ups[s.id] for o in samplers if o is not s)), None)


def pass_of(wf: Workflow, save: CNode) -> Pass | None:
    """The pass ``save``'s take is, where its first sampler reworks every frame of another sampler's take (above);
    None where it is not one."""
    samplers = sampler_chain(wf, save)
    head = first_sampler(wf, samplers) if 0 < len(samplers) <= MAX_SAMPLERS else None  # more: the builder keeps
    # them as notes
    if head is None:
        return None
    enc, _ = task_node(wf, head, [])
    d = sampler_denoise(wf, head)
    if enc is None or not enc.cls.startswith("VAEEncode") or d is None or not 0 < d < 1:
        return None
    src, steps = wf.source(enc, "pixels"), []
    for _ in range(MAX_STEPS):
        if src is None or src.cls.startswith("VAEDecode"):
            break
        through = filter_input(src)  # a filter frame by frame (ImageSharpen), by its declared type
        if src.cls not in RESIZES and src.cls not in MATCHES and through is None:
            return None  # frames picked, or made otherwise: not every frame of a take
        steps.append(src)
        link = src.links.get(through or MATCHES.get(src.cls, "image")) or src.links.get("images")
        src = wf.nodes.get(link[0]) if link else None
    made = wf.source(src, "samples") if src is not None and src.cls.startswith("VAEDecode") else None
    for _ in range(MAX_STEPS):
        if made is None or made.cls not in TRIMS:
            break
        made = wf.source(made, "samples")
    if made is None or made.cls not in SAMPLERS or made.id in {s.id for s in samplers}:
        return None
    return Pass(made, enc, head, float(d), tuple(steps))


_name = CNode.named  # the node in a sentence


def make(b: Any, save: CNode, p: Pass) -> int | None:
    """The earlier take as its own pipeline (its Save Video taken away), then the pass as Video to Video on that
    take's video into ``save``'s Save Video; said in the pass's note. The pipelines made; None where the earlier take
    could not be made (the output is then read as it was: held with its sentence)."""
    bands = len(b.bands)
    fam = pass_family(b.wf, p)
    if abilities.video_to_video(fam) is False:  # its family declares no video to video: the take alone
        return _take_alone(b, save, p, fam)
    taken = earlier_take(b, save, p.earlier, "the take reworked")
    if taken is None:
        return None
    before, sv, out, _ = taken
    fresh = len(b.bands) > bands  # (else the take another output made already, written by that output's save)
    band = b.bands[before]
    way = {n.id for n in p.steps} | {p.encode.id}  # a step another output reads too (a sharpen before the take's own
    readers = consumers(b.wf)  # save) is left to that output to make on its way: not applied to the pass only, said
    b.used |= {n.id for n in p.steps if not any(m.enabled and m.id not in way for m, _ in readers.get(n.id, ()))}
    # the resizes whose size their settings fix, made as Studio's Scale (not one given a size by an override input
    # Scale's reading does not take: KJNodes' ImageResizeKJ's 'width_input' / 'height_input')
    scaled = [(n, params) for n in p.steps if n.cls in RESIZES and not any(k.endswith("_input") for k in n.links)
              and (params := scale_params(b.wf, n)) is not None]
    kept = [n for n in p.steps if n.cls != "Reroute" and n.id not in {m.id for m, _ in scaled}]
    how = ("; ComfyUI's " + ", ".join(_name(n) for n in kept) + " on the frames' way " +
           ("is" if len(kept) == 1 else "are") + " not applied") if kept else ""
    latent = any(n.origin and n.origin != n.cls for n, _ in scaled)  # (a latent upscale read as one of pixels)
    size = (f"its frames that take's, its size that take's scaled by Studio's Scale before it as ComfyUI's "
            + ", ".join(_name(n) for n, _ in scaled) + (" upscale" + ("s" if len(scaled) == 1 else "") + " the take's "
                                                        "latent (upscaled in pixels then re-encoded, where ComfyUI "
                                                        "upscales the latent)" if latent else
                                                        " scale" + ("s" if len(scaled) == 1 else "") + " the frames on "
                                                        "their way to the encode")) if scaled else \
        "its size and frames that take's"
    line = (f"a pass, not another segment: {_name(p.head)} reworks every frame of the take of {_name(p.earlier)} "
            f"(encoded by {_name(p.encode)}, denoise {number(p.denoise)}): Studio's Video to Video restyles that take's "
            f"video at strength {number(p.denoise)} with the pass's own model, prompt and settings, {size}{how}")
    pixels = p.encode.links.pop("pixels", None)
    b.continuing = {(p.encode.id, "pixels"): (out[0], out[1], line)}
    try:
        made = b.pipeline(save)  # (held with its sentence where it cannot be made)
    finally:
        if pixels is not None:
            p.encode.links["pixels"] = pixels
        b.continuing = {}
    gen = next((x for x in (b.bands[-1] if made else ()) if (e := b.g.input_link(x, "video")) is not None
                and (e.src, e.src_port) == tuple(out)), None)
    for n, params in reversed(scaled) if gen is not None else ():  # (the decoder's nearest first: each put before
        scale_before(b, gen, params, n)  # the pass, after those before it)
    if made and sv is not None:  # the take reworked is the pass's input, not an output of its own
        b.g.remove_node(sv)
        band.remove(sv)
    elif sv is not None:  # the pass held: the earlier take is still written, said
        b.log(f"the take of {_name(p.earlier)} that {_name(p.head)} reworks is made and written by its own Save Video "
              f"('{b.g.nodes[sv].params.get('path')}'): the pass on it is held (said first)")
    return int(fresh) + int(made)


def pass_family(wf: Workflow, p: Pass) -> str | None:
    """The family title of the model the pass samples with: its loader's file (through patches and a guider) and the
    nodes of the pass's own (the nodes above the frames it is given, the earlier take's, left out: that take's family
    is not the pass's); None where no loader is found."""
    node = p.head
    for _ in range(MAX_PATCHES):
        node = wf.source(node, "model") if "model" in node.links else wf.source(node, "guider")
        if node is None or role(wf, node) == "loader":
            break
    if node is None:
        return None
    frames = wf.source(p.encode, "pixels")
    taken = {u.id for u in upstream(wf, frames)} if frames is not None else set()
    return family(model_file(wf, node), None, [u for u in upstream(wf, p.head) if u.id not in taken])


def _take_alone(b: Any, save: CNode, p: Pass, fam: str) -> int | None:
    """The pass's family does no video to video in Studio (its declared task kinds: families.abilities): the earlier
    take made and written by its own Save Video, the pass not made, said in one sentence; None where that take could
    not be made."""
    bands = len(b.bands)
    taken = earlier_take(b, save, p.earlier, "the take reworked")
    if taken is None:
        return None
    sv = taken[1]
    path = b.g.nodes[sv].params.get("path") if sv is not None else None
    b.log(f"a pass, not another segment: {_name(p.head)} reworks every frame of the take of {_name(p.earlier)} "
          f"(encoded by {_name(p.encode)}, denoise {number(p.denoise)}) with {fam}'s model, and {fam} does no video to "
          f"video in Studio: the pass is not made; Studio writes the take of {_name(p.earlier)} unreworked"
          + (f" ('{path}')" if path else "") + f" in place of {_name(save)}'s video")
    return int(len(b.bands) > bands)
