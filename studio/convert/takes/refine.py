"""A refine by another model through node packs' nodes (issue 112 item 4): ckinpdx's LTX-2.3 -> Wan 2.2 and
LTX-2.3 -> Wan HuMo workflows decode the LTX take, pick every n-th frame (VideoHelperSuite's
VHS_SelectEveryNthImage), pass them through KJNodes' VRAM_Debug, resize them (ResizeImagesByLongerEdge), match their
colour (ColorMatchV2), encode them with Wan's VAE and refine them with a sampler told by its role (RES4LYF's
ClownsharKSampler_Beta) on a schedule RES4LYF's sigma nodes cut (takes.pass_sigmas). takes.restyle reads the plain
form (a core sampler on every frame); this reads the same pass where frames are picked and processed on the way and
its sampler or schedule is a pack's:

- ``pass_of``: the pass (its sampler nearest the output, the encoder, the frame steps, the earlier take's sampler, the
  share of the schedule it runs), or None;
- ``make``: the earlier take as its own pipeline, Studio's Time for the frames picked (every n-th: speed n, the
  nearest frame), then the pass as the builder makes a core sampler's (its model, LoRAs, prompt, seed and cfg read
  from the sampler's inputs; its strength the share; Video to Video), each node Studio does not apply on the way said
  in one sentence naming it and the input it feeds. A pass its family has no restyle for (Wan HuMo's conditioning)
  is held with its sentence by the builder, the earlier take still made and written.

Plain data and stdlib: the builder (mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from studio.core.shown import number

from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.sampling import SAMPLERS
from ..tracing.walks import sampler_denoise
from . import pass_sigmas, refine_family, refine_said
from .passes import is_pass, latent_back
from .earlier import earlier_take

MAX_WALKED = 2_000  # nodes looked at between an output and its decoders, and along a latent's way
MAX_STEPS = 16  # frame steps between the earlier take's decoder and the pass's encoder
# the frame steps read on the frames' way (each with the input the frames come in by): facts of their packs' sources
FRAMES_IN = {"VHS_SelectEveryNthImage": "images", "VRAM_Debug": "image_pass", "ResizeImagesByLongerEdge": "images",
             "ColorMatchV2": "image_target", "ColorMatch": "image_target", "ImageColorMatch+": "image",
             "GetImageSizeAndCount": "image", "ImageScale": "image", "ImageScaleBy": "image",
             "ImageResizeKJv2": "image", "ImageResizeKJ": "image", "Reroute": ""}
SAMPLER_KEPT = ("model", "positive", "negative", "latent_image")  # the inputs a KSampler reads


@dataclass(frozen=True)
class Refine:
    earlier: CNode  # the sampler whose take the pass reworks
    decode: CNode  # that take's decoder
    encode: CNode  # the pass's encoder of its frames
    head: CNode  # the pass's sampler
    denoise: float  # the share of the schedule the pass runs
    frames: tuple[CNode, ...]  # the steps between the decoder and the encoder, the decoder's nearest first
    sigmas: Any  # pass_sigmas.PassSigmas, or None (the sampler's own denoise)


def _latent_pass(wf: Workflow, start: CNode) -> tuple[CNode | None, list[CNode]]:
    """The nearest pass on ``start``'s latent's way back (its latent inputs, a decoder's and a sampler's by name too)
    and the nodes before it (passes.latent_back)."""
    return latent_back(wf, start, ("samples", "latent_image"), MAX_WALKED)


def _decoders(wf: Workflow, save: CNode) -> list[CNode]:
    """The decoders (VAEDecode...) nearest ``save`` on its links' way back, not past a pass nor a decoder."""
    seen, todo, found = {save.id}, [save], []
    while todo and len(seen) < MAX_WALKED:
        n = todo.pop(0)
        for src, _ in n.links.values():
            m = wf.nodes.get(src)
            if m is None or m.id in seen:
                continue
            seen.add(m.id)
            if m.cls.startswith("VAEDecode"):
                found.append(m)
            elif not is_pass(wf, m):
                todo.append(m)
    return found


def _frames_in(n: CNode) -> str | None:
    """The input a frame step takes the frames by (None: not one read here)."""
    name = FRAMES_IN.get(n.cls)
    if name == "":  # a reroute: its one link
        return next(iter(n.links), None)
    return name if name in n.links else None


def _readable(n: CNode) -> bool:
    return n.cls in SAMPLERS or n.cls in families.declared()


def pass_of(wf: Workflow, save: CNode) -> Refine | None:
    """The pass ``save``'s take is where its sampler refines the encoded frames of another sampler's take, those
    frames reaching the encoder through the frame steps above; None where it is not one."""
    for dec in _decoders(wf, save):
        head, before = _latent_pass(wf, dec)
        enc = next((n for n in before if n.cls.startswith("VAEEncode") and "pixels" in n.links), None)
        if head is None or enc is not None:
            continue
        _, latent = _latent_pass(wf, head)
        enc = next((n for n in latent if n.cls.startswith("VAEEncode") and "pixels" in n.links), None)
        if enc is None:
            continue
        sig = pass_sigmas.read(wf, head)
        d = sig.share if sig is not None else sampler_denoise(wf, head)
        if d is None or not 0 < d < 1:
            continue
        steps, src = [], wf.source(enc, "pixels")
        for _ in range(MAX_STEPS):
            if src is None or src.cls.startswith("VAEDecode"):
                break
            port = _frames_in(src)
            if port is None:
                src = None  # frames picked (a segment: takes.extend) or made otherwise
                break
            steps.append(src)
            src = wf.source(src, port)
        if src is None or not src.cls.startswith("VAEDecode"):
            continue
        earlier, _ = _latent_pass(wf, src)
        if earlier is None or earlier.id == head.id or not _readable(earlier):
            continue
        return Refine(earlier, src, enc, head, float(d), tuple(reversed(steps)), sig)
    return None


def pass_for(b: Any, save: CNode, plain: Any) -> Refine | None:
    """The pass made here: any where takes.restyle finds none (``plain`` None), and one it finds whose conditioning is
    a family's task node that reworks a take (Wan HuMo's), which restyle's Video to Video cannot make."""
    r = pass_of(b.wf, save)
    return r if r is not None and (plain is None or refine_family.rework_of(b, r.head) is not None) else None


def _view(wf: Workflow, r: Refine) -> CNode:
    """The pass's sampler as the builder reads a KSampler: its own seed, cfg and sampler; the share of the schedule
    as its denoise and the steps that make the pass's own run in Studio's generator, which runs
    ``int(steps * strength)`` of them (RES4LYF's sigmas' steps; a KSampler's steps, all run at its denoise)."""
    h = r.head
    steps = wf.value(h, "steps")
    run = r.sigmas.steps if r.sigmas is not None else steps if isinstance(wf.value(h, "denoise"), (int, float)) \
        and h.cls != "KSamplerAdvanced" and isinstance(steps, int) else None  # (a KSampler's denoise: all its steps
    if run is not None:  # run, of a schedule of steps / denoise)
        steps = math.ceil(run / r.denoise - 1e-9)
        while int(steps * r.denoise) < run:
            steps += 1
    seed = next((v for k in ("seed", "noise_seed") if (v := wf.value(h, k)) is not None), None)
    widgets = {"seed": seed, "control_after_generate": "fixed", "steps": steps, "cfg": wf.value(h, "cfg"),
               "sampler_name": wf.value(h, "sampler_name"),  # (its scheduler makes no schedule beside sigmas)
               "scheduler": wf.value(h, "scheduler") if r.sigmas is None else None,
               "denoise": r.denoise}
    links = {k: v for k, v in h.links.items() if k in SAMPLER_KEPT}
    return CNode(h.id, "KSampler", h.title, h.mode, {k: v for k, v in widgets.items() if v is not None}, links,
                 h.pos, origin=h.shown_cls)


def _earlier_take(b: Any, save: CNode, r: Refine) -> tuple[int, str, tuple[str, str], tuple[str, str]] | None:
    """The earlier take made as its own pipeline (earlier.py), given the frames the pass is given (a latent upscale
    kept)."""
    return earlier_take(b, save, r.decode, "the take refined")


def _line(r: Refine) -> str:
    """The pass in one sentence (Studio's Video to Video making it; a family's generator: its title put in)."""
    return (f"a pass, not another segment: '{r.head.title or r.head.shown_cls}' ({r.head.shown_cls}, #{r.head.id}) "
            f"refines the frames of the take of '{r.earlier.title or r.earlier.shown_cls}' ({r.earlier.shown_cls}, "
            f"#{r.earlier.id}), encoded by '{r.encode.title or r.encode.shown_cls}' ({r.encode.shown_cls}, "
            f"#{r.encode.id}) for its 'latent_image', running {number(round(r.denoise, 4))} of its schedule: Studio's "
            f"Video to Video restyles that take's video at strength {number(round(r.denoise, 4))} with the pass's own "
            "model, LoRAs, prompt and seed")


def _prepared(b: Any, r: Refine, whole: tuple[str, str], out: tuple[str, str], heard: tuple[str, str],
              said: list[str]) -> tuple[CNode, Any]:
    """The pass's sampler as the builder reads it and its family's rework (None: Video to Video), b.continuing set
    to give the pass the take (its frames; a family's task node's inputs the take makes) and ``said`` the pass."""
    line, view, family = _line(r), _view(b.wf, r), refine_family.rework_of(b, r.head)
    if family is None:
        b.continuing = {(r.encode.id, "pixels"): (out[0], out[1], line)}
        return view, None
    view.links["latent_image"] = (family.node.id, family.latent)  # the pass's generator read from its task node,
    view.widgets["denoise"] = 1.0  # the take and its strength given after (refine_family.finish)
    b.continuing, more = refine_family.given(b, r, family, whole, heard)
    said += more
    title = b.g.registry.get(family.task.generator).title
    said.append(line.replace("Studio's Video to Video restyles that take's video",
                             f"Studio's {title} reworks that take's video (its 'video': it encodes the frames itself)"))
    b.used.add(r.encode.id)
    return view, family


def make(b: Any, save: CNode, r: Refine) -> int | None:
    """The earlier take, then the pass on its video into ``save``'s Save Video (see the module's docstring); the
    pipelines made, None where the earlier take could not be made."""
    wf = b.wf
    took = _earlier_take(b, save, r)
    if took is None:  # the take cannot be made (held with its sentence): the pass on it said held with it
        model = refine_said.model_file(wf, r.head)
        b.log(_line(r).split(", encoded by")[0] + f"{' with ' + repr(model) if model else ''}: that take is held "
              "(said), the pass with it")
        return None
    band_at, sv, out, heard = took
    whole = out  # the take's every frame (a reference picked from it counts from there)
    out, said = refine_said.frames(b, r, out)
    said += refine_said.sampler(b, r)
    b.used |= {n.id for n in r.frames} | {r.decode.id}
    view, family = _prepared(b, r, whole, out, heard, said)
    pixels = r.encode.links.pop("pixels", None)
    sounds = refine_said.sounds(wf, save, r)  # the earlier take's sound on the output's way: taken from its generator
    for n, k, link in sounds:
        n.links.pop(k, None)
    head = wf.nodes[r.head.id]
    wf.nodes[r.head.id] = view
    for x in said:
        b.say(x)
    try:
        made = b.pipeline(save)  # (held with its sentence where it cannot be made)
        if made and family is not None and not refine_family.finish(b, r, out, [k for n, k, _ in sounds
                                                                                if n.id == family.node.id]):
            b.log(f"the pass's generator takes no take to rework: '{r.head.title or r.head.shown_cls}' "
                  f"(#{r.head.id}) is made from its own inputs alone")
    finally:
        wf.nodes[r.head.id] = head
        if pixels is not None:
            r.encode.links["pixels"] = pixels
        for n, k, link in sounds:
            n.links[k] = link
        given, b.continuing = b.continuing, {}
    b.used.add(r.head.id)
    refine_said.sound(b, [x for x in sounds if (x[0].id, x[1]) not in given], heard, made)
    refine_said.take_saved(b, sv, band_at, r.earlier, r.head, made)
    return 1 + int(made)
