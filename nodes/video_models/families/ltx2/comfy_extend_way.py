"""The take an LTXVExtendSampler extends, found through the latent steps between it and its sampler (LTX-2's
LTXVCropGuides, LTXVSeparateAVLatent: a node taking and giving a LATENT by its declared types, its latent passed on),
and the other outputs that save that take as it is before the extension (heldout17: koala-penguin's seamless long
video extends the cropped take of its first sampler twice, and saves the first take too). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, node_type

LATENT_PORTS = ("latents", "latent", "samples", "av_latent", "video_latent", "latent_image")
MAX_WAY = 64


def _passes_latent(n: CNode) -> bool:
    """``n`` passes a latent on: it takes a LATENT and gives one (its type's declared inputs and outputs)."""
    t = node_type(n.origin or n.cls)
    return t is not None and bool(t.inputs) and bool(t.outputs) and \
        any(i.type == "LATENT" for i in t.inputs) and "LATENT" in t.output_types


def take_sampler(wf: Workflow, link: tuple, sampled: tuple[str, ...]) -> CNode | None:
    """The sampler (one of ``sampled``) whose take ``link`` gives, directly or through nodes passing its latent on."""
    n = wf.nodes.get(link[0]) if link else None
    for _ in range(MAX_WAY):
        if n is None or not n.enabled:
            return None
        if n.cls in sampled:
            return n
        if not _passes_latent(n):
            return None
        key = next((k for k in LATENT_PORTS if k in n.links), None)
        n = wf.nodes.get(n.links[key][0]) if key else None
    return None


def other_readers(wf: Workflow, src: tuple, ext: CNode) -> list[CNode]:
    """The nodes other than ``ext`` (and other extend samplers) reading the take ``src`` gives as it is."""
    return [m for m in wf.nodes.values() if m is not ext and m.enabled and m.cls != ext.cls
            and any(tuple(v[:2]) == tuple(src[:2]) for v in m.links.values())]
