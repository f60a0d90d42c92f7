"""Lightricks' ComfyUI-LTXVideo's LTXVTiledSampler (tiled_sampler.py, read for meaning): it samples the latents it is
given again with its noise, guider, sampler and sigmas (a refine where the sigmas start below 1), each frame cut into
'horizontal_tiles' x 'vertical_tiles' spatial tiles, each tile holding the latents it refines as a guide at
'latents_cond_strength' and its pictures ('optional_cond_images' at 'optional_cond_indices', each at its
'images_cond_strengths') as guides; it gives the denoised latents. Read as ComfyUI's SamplerCustomAdvanced on those
latents (a later pass the converter says as the pass it is: takes/passes), what the tiles and guides do otherwise said,
one sentence each (heldout33 04: the keyframes example's second pass, after an x2 latent upsample, was held as "a
sampler it has no counterpart for"). Stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, node_type

from .comfy_cond_pictures import indices

TILED = "LTXVTiledSampler"
SOCKETS = ("noise", "guider", "sampler", "sigmas", "latents")


def tiled(t) -> None:
    """Each LTXVTiledSampler of ``t``'s workflow (a PackTranslation) read in place as SamplerCustomAdvanced."""
    ty = node_type(TILED)
    declared = {i.name for i in ty.inputs} if ty is not None and ty.inputs is not None else set()
    for n in [n for n in t.wf.nodes.values() if n.cls == TILED and n.enabled]:
        if not all(k in n.links for k in SOCKETS) or not set(n.links) <= declared:
            continue  # a socket unwired or an input not its own: held as before
        w = t.named(n)
        t.core(n, "SamplerCustomAdvanced", {}, {**{k: n.links[k] for k in SOCKETS[:4]},
                                                "latent_image": n.links["latents"]})
        t.said.append(f"{n.named()} is read as SamplerCustomAdvanced sampling the latents it is given again with its "
                      "noise, guider, sampler and sigmas")
        _unlike(t, n, w)


def _unlike(t, n: CNode, w: dict) -> None:
    """What the tiled sampler does that one SamplerCustomAdvanced pass does not, said."""
    h, v = w.get("horizontal_tiles", 1), w.get("vertical_tiles", 1)
    if any(finite(x) and x > 1 for x in (h, v)):
        t.said.append(f"{n.named()} samples each frame in {h} x {v} spatial tiles (overlap {w.get('overlap', 1)}): "
                      "read as one pass over the whole frame")
    s = w.get("latents_cond_strength")
    if finite(s) and s > 0:
        t.said.append(f"{n.named()}'s latents_cond_strength {s:g} (each tile holding the latents it refines as a "
                      "guide) is not applied")
    if w.get("boost_latent_similarity") is True:
        t.said.append(f"{n.named()}'s boost_latent_similarity (more guides from the latents it refines) is not "
                      "applied")
    if "optional_cond_images" in n.links:
        src = t.wf.nodes.get(n.links["optional_cond_images"][0])
        at = indices(w.get("optional_cond_indices"))
        where = f" at frame{'s' * (len(at) > 1)} {', '.join(str(x) for x in at)}" if at else ""
        strengths = w.get("images_cond_strengths")
        t.said.append(f"{n.named()}'s pictures on 'optional_cond_images'"
                      + (f" (from '{src.title or src.shown_cls}', #{src.id})" if src is not None else "")
                      + where + (f" (strength {strengths})" if strengths not in (None, "") else "")
                      + ", guides of this pass, are not applied to it")
