"""A node on an encoded latent's way to its sampler that gives it a noise mask (ComfyUI's SetLatentNoiseMask,
KJNodes' LTXVAudioVideoMask, ...): the frames the mask keeps are not noised away even where the sampler denoises
whole - the clip is continued or inpainted, not restyled or lost (heldout17: shot 2 of a multishot continuing the last
73 frames of shot 1, said 'noised away, as in ComfyUI'). Told by declared types: a node taking and giving a LATENT
that takes a MASK or declares a mask setting. Plain data and stdlib."""
from __future__ import annotations

from ..catalogue import node_type
from ..reading.workflow import CNode, Workflow
from .roles import role
from .sampling import SAMPLERS

LATENT_PORTS = ("latent_image", "samples", "latent", "video_latent", "av_latent", "latents")
MAX_WALKED = 10_000
CONTINUED = "a video made around the encoded frames"  # the held task's words (mapping.intent)


def masks_latent(n: CNode) -> bool:
    """``n`` gives the latent it takes a noise mask: by its type's declared inputs and outputs (a LATENT in and out,
    with a MASK input or a setting named for a mask); for a type not catalogued, by its class name."""
    t = node_type(n.origin or n.cls)
    if t is None or not t.inputs or not t.outputs:
        return "mask" in n.cls.lower() and any(k in n.links for k in LATENT_PORTS)
    types = {i.type for i in t.inputs}
    return "LATENT" in types and "LATENT" in t.output_types and (
        "MASK" in types or any("mask" in i.name.lower() for i in t.inputs))


def latent_mask(wf: Workflow, sampler: CNode, encode: CNode) -> CNode | None:
    """The node masking the latent between ``encode`` and ``sampler`` (nearest the sampler), else None."""
    link, seen = next((sampler.links[k] for k in LATENT_PORTS if k in sampler.links), None), set()
    while link is not None and len(seen) < MAX_WALKED:
        n = wf.nodes.get(link[0])
        if n is None or n is encode or n.id in seen:
            return None
        seen.add(n.id)
        if masks_latent(n):
            return n
        link = next((n.links[k] for k in LATENT_PORTS if k in n.links), None)
    return None


def own_way(wf: Workflow, sampler: CNode, up: list[CNode]) -> list[CNode]:
    """The nodes of ``up`` a held continuation holds: those its sampler reads without going through an encode or an
    earlier sampler (its model, prompts, the mask node, the encodes themselves), and those no earlier take behind its
    encodes reads - never the earlier take's own files and prompts (shot 1's picture, voice and prompt held as shot 2's
    inputs)."""
    mine, todo = {sampler.id}, [sampler]
    while todo and len(mine) < MAX_WALKED:
        n = todo.pop()
        if n.cls.startswith("VAEEncode") or n.cls.endswith("AudioVAEEncode") or n is not sampler and (
                n.cls in SAMPLERS or role(wf, n) == "sampler"):
            continue  # (what the encode is given, what an earlier sampler reads: the earlier take's)
        for src, _ in n.links.values():
            if src not in mine and src in wf.nodes:
                mine.add(src)
                todo.append(wf.nodes[src])
    behind = set()
    for n in (x for x in wf.nodes.values() if x.id in mine and (x.cls.startswith("VAEEncode") or
                                                                 x.cls.endswith("AudioVAEEncode"))):
        todo = [wf.nodes[s] for k, (s, _) in n.links.items() if k in ("pixels", "audio", "image") and s in wf.nodes]
        while todo and len(behind) < MAX_WALKED:
            m = todo.pop()
            if m.id not in behind:
                behind.add(m.id)
                todo += [wf.nodes[s] for s, _ in m.links.values() if s in wf.nodes and s not in behind]
    return [n for n in up if n.id in mine or n.id not in behind]
