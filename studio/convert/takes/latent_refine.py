"""A refine pass after a latent upscale, any family's ("hires fix", issue 112): an output whose last sampler denoises
part way (0 < denoise < 1) a latent that an upscale made of another sampler's take, on the latent's way between them
nothing but upscales (heldout37 10: AnimateDiff's x2 NNLatentUpscale, then 8 steps at denoise 0.19). The upscale is
told by its declared types: a latent step (LATENT in and out) whose declared widgets are a scale (a FLOAT named for a
scale or factor: LatentUpscaleBy's 'scale_by', NNLatentUpscale's 'upscale', WAS's 'factor') or a size (INT 'width'
and 'height': LatentUpscale), its declared names calling it an upscale. A family's own latent upscaler (the 'upscalers' hook: LTX's x2 upsampler with its model) is its
family's to read (LTX-2's stage, LTX-Video's take made at the upscaled size: mapping.settings) and not read here.

Made as takes.restyle makes a pass on an earlier take, the take of the first sampler once (earlier.py: its own
pipeline, or the pipeline another output of it made already), then Studio's Scale by the factor (or to the size,
upsampled_clip.scale_before) and the family's Video to Video at the pass's denoise with the pass's own model, prompt,
steps, cfg and seed: the take upscaled in pixels and encoded again, where ComfyUI upscales the latent (said). While
the pass's pipeline is read, its latent is given by a stand-in encode whose frames are that take (b.continuing), the
workflow put back after. Where the pass's family does no video to video (families.abilities: its Family's declared
task kinds) the pass is not read here: the builder makes the first pass alone and says the refine not made, and why
(passes.refine_line). Plain data and stdlib: the builder (mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core.shown import number

from .. import catalogue
from ..families import abilities, registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import role
from ..tracing.sampling import SAMPLERS
from ..tracing.tasks import family
from ..tracing.walks import model_file, sampler_chain, sampler_denoise, upstream
from . import refine_said
from .earlier import earlier_take
from .passes import latent_back
from .upsampled_clip import scale_before

PASS_ON = ("Reroute",)  # nodes on the latent's way that pass it on as given
SCALE_WORDS = ("scale", "factor")  # a declared FLOAT widget named for either is an upscale's factor
MAX_PATCHES = 16  # nodes walked from a pass to its model's loader (LoRAs, patches, a guider)


@dataclass(frozen=True)
class Hires:
    earlier: CNode  # the sampler whose take is upscaled
    head: CNode  # the pass sampling the upscaled latent again
    denoise: float
    ups: tuple[CNode, ...]  # the upscales on the latent's way, the earlier take's nearest first
    factor: float | None  # the product of their factors; None where one upscales to a size
    size: tuple[int, int] | None  # (width, height) of the last upscale to a size; 0 a side kept in proportion


def _widgets(n: CNode) -> dict[str, str]:
    """The widgets ``n``'s type declares (name -> type), where its declared names (its type's, its display name) call
    it an upscale ('Upscale Latent By', 'NNLatentUpscale'); {} for another, or one no pack in the catalogue declares
    (a latent crop, a sharpen by a 'factor', a temporal upsampler by frame rates: none of them a spatial upscale)."""
    t = catalogue.node_type(n.origin or n.cls)
    words = f"{t.name} {t.display or ''}".lower() if t is not None else ""
    if "upscal" not in words and "upsampl" not in words:
        return {}
    widgets = {i.name: i.type for i in t.inputs or () if i.widget}
    return {} if any("fps" in k.lower() or "frame" in k.lower() for k in widgets) else widgets


def _upscale(wf: Workflow, n: CNode) -> tuple[float | None, tuple[int, int] | None] | None:
    """(factor, None) or (None, (width, height)) of a latent upscale told by its declared types; None for another
    node, or one whose factor or size is not a number Studio can work out."""
    if role(wf, n) != "latent step" or n.cls in families.lookup("upscalers"):
        return None
    widgets = _widgets(n)
    scales = [k for k, kind in widgets.items() if kind == "FLOAT" and any(w in k.lower() for w in SCALE_WORDS)]
    if len(scales) == 1:
        v = wf.value(n, scales[0])
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 1
        return (float(v), None) if ok else None
    if not scales and widgets.get("width") == "INT" and widgets.get("height") == "INT":
        w, h = wf.value(n, "width"), wf.value(n, "height")
        ok = all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in (w, h)) and (w or h)
        return (None, (w, h)) if ok else None
    return None


def pass_of(b: Any, save: CNode) -> Hires | None:
    """The refine pass after a latent upscale ``save``'s take is (the module's docstring); None where it is not
    one."""
    wf = b.wf
    chain = sampler_chain(wf, save)
    if len(chain) < 2:
        return None
    ups_of = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in chain}
    last = [s for s in chain if not any(s.id in ups_of[o.id] for o in chain if o is not s)]
    if len(last) != 1 or last[0].cls not in SAMPLERS:
        return None
    head = last[0]
    d = sampler_denoise(wf, head)
    if d is None or not 0 < d < 1:
        return None
    earlier, passed = latent_back(wf, head)
    if earlier is None or earlier.cls not in SAMPLERS and earlier.cls not in families.declared() or not passed:
        return None
    factor, size, ups = 1.0, None, []
    for n in reversed(passed):  # (the earlier take's nearest first)
        if n.cls in PASS_ON:
            continue
        got = _upscale(wf, n)
        if got is None:
            return None  # another latent step between the passes: not read here
        ups.append(n)
        if got[1] is not None:
            factor, size = 1.0, got[1]  # (a size after a factor: the size)
        elif size is None:
            factor *= got[0]
    if not ups or size is None and factor <= 1:
        return None
    if abilities.video_to_video(family_of(wf, head)) is False:
        return None  # (its family makes no Video to Video: the first pass alone, the refine said not made)
    return Hires(earlier, head, float(d), tuple(ups), None if size is not None else factor, size)


def family_of(wf: Workflow, head: CNode) -> str | None:
    """The family title of the model pass ``head`` samples with (its loader's file, through patches and a guider)."""
    node = head
    for _ in range(MAX_PATCHES):
        node = wf.source(node, "model") if "model" in node.links else wf.source(node, "guider")
        if node is None or role(wf, node) == "loader":
            break
    return family(model_file(wf, node), None, upstream(wf, head)) if node is not None else None


_name = CNode.named  # the node in a sentence


def how(h: Hires) -> str:
    """The upscale in words: 'x2', 'to 1024x576'."""
    if h.size is None:
        return f"x{round(h.factor, 4):g}"
    w, hh = h.size
    return f"to {w or '(in proportion)'}x{hh or '(in proportion)'}"


def line(h: Hires) -> str:
    """The pass in one sentence."""
    names = ", ".join(_name(n) for n in h.ups)
    return (f"a refine pass after a latent upscale: {_name(h.head)} samples again, at denoise "
            f"{number(round(h.denoise, 4))}, the take of {_name(h.earlier)} upscaled {how(h)} by {names}: Studio's "
            f"Scale {how(h)} then Video to Video at strength {number(round(h.denoise, 4))} with the pass's own model, "
            "prompt, steps, cfg and seed, its frames the take's and its size the scaled take's, the take made once "
            "(upscaled in pixels then re-encoded, where ComfyUI upscales the latent)")


def _stand_in(wf: Workflow, save: CNode, h: Hires) -> CNode:
    """An encode standing for the upscaled take in pixels, given the VAE of the decoder of the pass's take."""
    dec = next((n for n in upstream(wf, save) if n.cls.startswith("VAEDecode") and "vae" in n.links
                and wf.source(n, "samples") is not None), None)
    links = {"vae": dec.links["vae"]} if dec is not None else {}
    return CNode(f"{h.head.id}~upscaled", "VAEEncode", f"the take of #{h.earlier.id} upscaled {how(h)}", h.head.mode,
                 {}, links, h.head.pos)


def make(b: Any, save: CNode, h: Hires) -> int | None:
    """The earlier take (made once), then Scale and the pass as Video to Video into ``save``'s Save Video; the
    pipelines made, None where the earlier take could not be made (the output is then read as it was)."""
    wf = b.wf
    again = frozenset([h.head.id]) in b.made  # another output of this pass made it already: one more Save Video
    taken = None
    if not again:
        bands = len(b.bands)
        taken = earlier_take(b, save, h.earlier, "the first pass's take")
        if taken is None:
            return None
        fresh = len(b.bands) > bands
    enc = _stand_in(wf, save, h)
    latent = h.head.links.get("latent_image")
    wf.nodes[enc.id] = enc
    h.head.links["latent_image"] = (enc.id, 0)
    if taken is not None:
        b.continuing = {(enc.id, "pixels"): (taken[2][0], taken[2][1], line(h))}
    try:
        made = b.pipeline(save)  # (held with its sentence where it cannot be made)
    finally:
        del wf.nodes[enc.id]
        if latent is not None:
            h.head.links["latent_image"] = latent
        b.continuing = {}
    if made:  # (a pass held: its upscales left to the notes of what is not converted, named there)
        b.used |= {n.id for n in h.ups}
    if again:
        return int(made)
    before, sv = taken[0], taken[1]
    gen = b.made.get(frozenset([h.head.id]), (None,))[0] if made else None
    if gen is not None:
        params = {"scale": h.factor} if h.size is None else {"width": h.size[0], "height": h.size[1]}
        scale_before(b, gen, params, h.ups[-1])
        first = next((m[0] for m in b.made.values() if m[2] == before), None)
        rate = b.g.nodes[gen].params.get("fps")
        if fresh and first is not None and rate and not b.g.nodes[first].params.get("fps", 1):  # the take's rate the
            b.set_param(first, "fps", rate, save)  # output's (ComfyUI writes no rate of it: it is never saved alone)
    refine_said.take_saved(b, sv, before, h.earlier, h.head, made, " after the latent upscale")
    return int(fresh) + int(made)
