"""LTX-2's own sound encoded again (comfy.py's sound reading): a workflow that decodes the sound a sampler of the
output being made made (LTXVAudioVAEDecode of its audio latent, split off by LTXVSeparateAVLatent) and encodes it
once more (to hold it clean through a second pass under a noise mask, or to save it) gives the take's own sound, not
an outside one: no file's way in, and LTX-2's 'sound' stays 'generated' (its own sound, made with the picture). Told
by the declared types on the way (AUDIO steps between the decoder and the encoder, LATENT steps between the sampler
and the decoder). Functions on a builder ``b`` of comfy_map; plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, CNode, any_through

MAX_WALK = 16  # nodes walked on each way


def _one_of(n: CNode, kind: str) -> str | None:
    """The one input of ``n`` declared (or named) as ``kind`` that is wired, None where none or several."""
    found = [k for k in n.links if n.in_types.get(k, "") == kind or (not n.in_types and k == kind.lower())]
    return found[0] if len(found) == 1 else None


def _decoder(b, enc: CNode) -> CNode | None:
    """The node decoding a latent into the sound ``enc`` encodes (an AUDIO output from a LATENT 'samples'), walked up
    through the steps that take one sound and give one (a volume, a trim): None where another node makes it."""
    wf = b.wf
    node = wf.source(enc, "audio")
    for _ in range(MAX_WALK):
        if node is None:
            return None
        if "samples" in node.links and node.in_types.get("samples", "LATENT") == "LATENT" and \
                "AUDIO" in (node.out_types or ["AUDIO"]) and "audio" not in node.links:
            return node
        port = _one_of(node, "AUDIO") or any_through(wf, node, 0)
        node = wf.source(node, port) if port is not None else None
    return None


def _maker(b, dec: CNode) -> CNode | None:
    """The sampler whose latent ``dec`` decodes (through a split of the picture's and the sound's latents, a noise
    mask, a step taking one latent), where it is one of the samplers of the output being made."""
    wf = b.wf
    link = dec.links.get("samples")
    node, slot = (wf.nodes.get(link[0]), link[1]) if link else (None, 0)
    for _ in range(MAX_WALK):
        if node is None:
            return None
        if node.cls in SAMPLERS:
            return node if node.id in b.pass_key else None
        port = next((k for k in ("av_latent", "samples", "latent") if k in node.links), None) or _one_of(node, "LATENT")
        link = node.links.get(port or any_through(wf, node, slot) or "")
        node, slot = (wf.nodes.get(link[0]), link[1]) if link else (None, 0)
    return None


def own_sound(b, enc: CNode, said: list[str]) -> bool:
    """True (said) where ``enc`` encodes again the sound a sampler of this output made: the take's own sound."""
    dec = _decoder(b, enc)
    maker = _maker(b, dec) if dec is not None else None
    if maker is None:
        return False
    b.used |= {enc.id, dec.id}
    said.append(f"'{enc.title or enc.shown_cls}' ({enc.shown_cls}, #{enc.id}) encodes again the sound "
                f"'{dec.title or dec.shown_cls}' ({dec.shown_cls}, #{dec.id}) decodes from what "
                f"'{maker.title or maker.shown_cls}' ({maker.shown_cls}, #{maker.id}) made: the take's own sound, no "
                "sound of the workflow's; LTX-2 makes it with the picture ('sound: generated')")
    return True
