"""Nodes a latent passes through unchanged on its way to LTX-2's sampler, each with the input its first output gives
on as it is: KJNodes' GetLatentSizeAndCount (nodes/image_nodes.py, read for meaning: its 'latent' output is its
input, beside the latent's batch, channels, frames, height and width as numbers), as purzbeats' audio-to-video
extension puts it between LTXVAudioVAEEncode and the noise mask holding the sound clean. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

LATENT_PASSING = {"GetLatentSizeAndCount": "latent"}
MAX_WALK = 16


def latent_source(wf, node: CNode, name: str, passed: list[CNode] | None = None) -> CNode | None:
    """The node giving ``node``'s latent input ``name``, through the nodes of LATENT_PASSING (their first output
    only; each appended to ``passed`` where given)."""
    src_link = node.links.get(name)
    for _ in range(MAX_WALK):
        if src_link is None:
            return None
        src = wf.nodes.get(src_link[0])
        if src is None or src.cls not in LATENT_PASSING or src_link[1] != 0 or not src.enabled:
            return src
        if passed is not None:
            passed.append(src)
        src_link = src.links.get(LATENT_PASSING[src.cls])
    return None


def first_pass_first(b, up: list[CNode]) -> list[CNode]:
    """``up`` with the nodes upstream of the output's first sampler first (the earliest of its passes, ``b.pass_key``:
    the one no other feeds), so that the first take's sound is the one LTX-2 reads where later takes of the output
    (an extension's windows of the music) encode sounds of their own."""
    from studio.convert.api import upstream
    wf, key = b.wf, getattr(b, "pass_key", None) or ()
    if len(key) < 2:
        return up
    ups = {k: {n.id for n in upstream(wf, wf.nodes[k])} for k in key if k in wf.nodes}
    first = next((k for k in ups if not any(k != o and o in ups[k] for o in ups)), None)
    if first is None:
        return up
    return [n for n in up if n.id in ups[first]] + [n for n in up if n.id not in ups[first]]
