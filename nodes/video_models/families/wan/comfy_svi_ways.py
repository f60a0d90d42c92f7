"""The ways one pass of a Wan continued take reaches the next (issue 112 item 4), read by the nodes' declared types
(the catalogue's, else the ones the UI file saves), for comfy_frames:

* ``sampler_behind``: the sampler whose take a pass's 'prev_samples' / 'prev_latent' continues, through nodes passing
  the latent on (one LATENT socket, a LATENT out: KJNodes' GetLatentSizeAndCount) and through the take's frames
  decoded and encoded again (VAEEncode of a VAEDecode's frames, through image operations: a resize, a brightness,
  GetImageSizeAndCount), as SVI 2.0 Pro workflows give the next pass's high-noise expert the frames before;
* ``refine_of``: the sampler that refines a sampler's whole take (its frames decoded, resized or not, encoded again:
  Wan 2.2's low-noise expert run on the high-noise pass upscaled), with the nodes on the way.

The walks are the converter's (tracing/latent_ways.py): a frame pick on the way is not a pass's take. Plain data and
stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import CNode, SAMPLERS as SAMPLED, frames_of, sampler_behind, through  # noqa: F401 (the walks
# are the converter's own: tracing/latent_ways.py, shared with an uncatalogued node's shots)


def refine_of(wf, s: CNode) -> tuple[CNode, list[CNode]] | None:
    """(the enabled sampler refining sampler ``s``'s whole take, the nodes between: its encoder, the image steps, the
    decoder), or None."""
    for m in wf.nodes.values():
        got = m.links.get("latent_image")
        enc = wf.nodes.get(got[0]) if m.cls in SAMPLED and m.enabled and got else None
        if enc is None or not enc.cls.startswith("VAEEncode") or "pixels" not in enc.links:
            continue
        way = [enc]
        back = frames_of(wf, enc.links["pixels"], way)
        if back is not None and back[0] == s.id:
            return m, way
    return None
