"""An AnimateDiff take refined by a second pass after a latent upscale (the seventh held-out set's bunong1937
animatediff.json: 'KSampler (Efficient)' -> LatentUpscaleBy x1.5 -> KSampler at denoise 0.8): ComfyUI upscales the
first pass's latent and denoises it part way again. Studio refines a take in pixels (takes/restyle.py: Video to
Video on the take's video at the pass's denoise), so the latent upscale is read as what it stands for there: the
first pass's frames decoded (with the VAE that decodes the second pass), scaled by the same factor and encoded again
for the second pass. Only where a motion-module loader of this family is on the second pass's model (its own
passes); one sentence says so. Plain data."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, CNode, Workflow, finite, node_type, upstream

from . import comfy_refine_whole as whole

MAX_WALKED = 64  # conditioning nodes walked back from the second pass

UPSCALES = {"LatentUpscaleBy": ("ImageScaleBy", ("upscale_method", "scale_by")),
            "LatentUpscale": ("ImageScale", ("upscale_method", "width", "height", "crop"))}


_name = CNode.named  # the node in a sentence


def _vae(wf: Workflow, later: CNode):
    """The VAE that decodes ``later``'s latent (its VAEDecode's), else None."""
    for m in wf.nodes.values():
        if m.enabled and m.cls.startswith("VAEDecode") and tuple(m.links.get("samples", ())[:2]) == (later.id, 0):
            return m.links.get("vae")
    return None


def _controls(wf: Workflow, later: CNode, first: CNode) -> list[str]:
    """The ControlNets applied to the second pass's prompts alone (a node on its conditioning's way taking a
    CONTROL_NET, by its declared types), each said with its model file: Studio's Video to Video takes none."""
    out, seen = [], set()
    todo = [wf.source(later, k) for k in ("positive", "negative")]
    mine = {wf.source(first, k).id for k in ("positive", "negative") if wf.source(first, k) is not None}
    while todo and len(seen) < MAX_WALKED:
        n = todo.pop()
        if n is None or n.id in seen or n.id in mine:
            continue
        seen.add(n.id)
        t = node_type(n.shown_cls)
        nets = [i.name for i in t.inputs if i.type == "CONTROL_NET"] if t is not None and t.inputs else []
        if nets:
            loader = wf.source(n, nets[0])
            image = wf.source(n, "image")
            if loader is not None:
                wf.taken.add(loader.id)
            file = next((v for v in loader.widgets.values() if isinstance(v, str)), None) if loader else None
            values = ", ".join(f"{k} {v:g}" for k, v in n.widgets.items()
                               if isinstance(v, (int, float)) and not isinstance(v, bool))
            out.append(f"{_name(n)} applies a ControlNet" + (f" ('{file}', {_name(loader)})" if file else "")
                       + (f" on {_name(image)}'s frames" if image is not None else "") + " to "
                       f"{_name(later)}'s prompts" + (f" ({values})" if values else "") + ": not applied, Studio's "
                       "AnimateDiff Video to Video takes no ControlNet")
        todo += [wf.source(n, k) for k in n.links if k in ("positive", "negative", "conditioning", "cond")]
    return out


def translate(wf: Workflow, motion_loaders) -> list[str]:
    """Each latent upscale between two passes of an AnimateDiff take (``motion_loaders`` on the second pass's way) read
    as decode, scale, encode (above)."""
    said = []
    for later in [n for n in wf.nodes.values() if n.enabled and n.cls in SAMPLERS]:
        d = wf.value(later, "denoise")
        up = wf.source(later, "latent_image")
        if finite(d) and d >= 1 and up is not None and up.cls in UPSCALES and up.enabled and \
                (anew := whole.read(wf, later, up, motion_loaders)) is not None:  # (a new take: heldout118 04)
            said.append(anew)
            continue
        if not (finite(d) and 0 < d < 1) or up is None or up.cls not in UPSCALES or not up.enabled:
            continue
        first, samples = wf.source(up, "samples"), up.links.get("samples")
        vae = _vae(wf, later)  # (a pass: a node taking a model; a pack's sampler read as KSampler later, its slot kept)
        if first is None or "model" not in first.links or vae is None or \
                not any(n.cls in motion_loaders for n in upstream(wf, later)):
            continue
        cls, names = UPSCALES[up.cls]
        values = {k: wf.value(up, k) for k in names}
        dec = CNode(f"{up.id}:frames", "VAEDecode", up.title, up.mode, {}, {"samples": samples, "vae": vae},
                    up.pos, origin=up.shown_cls)
        scale = CNode(f"{up.id}:scaled", cls, up.title, up.mode, {k: v for k, v in values.items() if v is not None},
                      {"image": (dec.id, 0)}, up.pos, origin=up.shown_cls)
        enc = CNode(f"{up.id}:encoded", "VAEEncode", up.title, up.mode, {}, {"pixels": (scale.id, 0), "vae": vae},
                    up.pos, origin=up.shown_cls)
        for c in (dec, scale, enc):
            wf.nodes[c.id] = c
        later.links["latent_image"] = (enc.id, 0)
        wf.taken.add(up.id)
        wf.__dict__.pop("_consumers", None)
        said += _controls(wf, later, first)
        said.append(f"{_name(up)} upscales the latent of {_name(first)} for {_name(later)}'s second pass (denoise "
                    f"{d:g}): read as that take's frames decoded, scaled ("
                    + ", ".join(f"{k} {v}" for k, v in values.items() if v is not None)
                    + ") and encoded again, the second pass refining them")
    return said
