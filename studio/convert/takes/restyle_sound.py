"""A clip's Video to Video whose workflow encodes the clip's own sound into the sampler's latent beside its frames
(ltx2guide9: LTX-2's audio latent from LTXVAudioVAEEncode of the clip's sound): where a noise mask of 0 holds that
sound's latent (SetLatentNoiseMask of a SolidMask 0), the sampler keeps it as it is and ComfyUI's output carries the
clip's sound unchanged - Studio's Video to Video gives the picture alone, so the clip's own sound (Load Video's) is
wired into Save Video, said; where the sound is noised and sampled with the picture, ComfyUI's output has a restyled
sound Studio does not make: said, Save Video writes none. The encoder is told by its declared types (an AUDIO input
given the clip's sound, a LATENT output), never by its name. Plain data and stdlib (the builder's state)."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..tracing.roles import in_type, out_types
from ..tracing.sampling import SAMPLERS
from ..tracing.walks import find_loader

MASKS = ("SetLatentNoiseMask",)  # ComfyUI's core node giving a latent its noise mask ('samples', 'mask')
SOLID = "SolidMask"  # ComfyUI's core mask of one value ('value'): 0 holds the latent as it is
MAX_WALK = 64  # latent nodes walked from a later sampler to the node joining the picture's and the sound's latents


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _held_by(b: Any, enc: CNode, up: list[CNode]) -> list[CNode]:
    """The noise masks of 0 on ``enc``'s latent (each mask node and its SolidMask); [] where none holds it."""
    out: list[CNode] = []
    for m in up:
        if m.cls in MASKS and m.enabled and b.wf.source(m, "samples") is enc:
            solid = b.wf.source(m, "mask")
            if solid is not None and solid.cls == SOLID and b.wf.value(solid, "value") == 0:
                out += [m, solid]
    return out


def read(b: Any, up: list[CNode], inputs: dict) -> None:
    """The output's clip-sound encoder (``b.restyle_sound``: the encoder, the clip's loader, the masks holding it, or
    None): a node of ``up`` taking the sound of the clip Video to Video restyles (its 'video') on an AUDIO input and
    giving a LATENT; read (its masks, its other loaders) so that it holds nothing as 'not converted'."""
    b.restyle_sound = None
    clip = inputs.get("video")
    if clip is None:
        return
    for n in up:
        port = next((k for k in n.links if in_type(n, k) == "AUDIO"), None) if n.enabled else None
        if port is None or "LATENT" not in out_types(b.wf, n):
            continue
        found = find_loader(b.wf, n, port, set())
        if found is None or found[0].id != clip[0].id:
            continue
        masks = _held_by(b, n, up)
        b.used |= {n.id, *(m.id for m in masks), *(x.id for x in found[2])}
        b.used |= {s.id for k, s in ((k, b.wf.source(n, k)) for k in n.links if k != port)
                   if s is not None and not s.links}  # its own loaders (the sound's VAE)
        b.restyle_sound = {"enc": n, "loader": found[0], "masks": masks, "later": _renoised(b, up)}
        return


def _renoised(b: Any, up: list[CNode]) -> list[CNode]:
    """The later passes (samplers of ``up`` after the take's own) given a sound latent with no noise mask of 0 on it
    (LTX-2's second stage: the first pass's sound re-noised and sampled again)."""
    wf, first, out = b.wf, getattr(b, "take_sampler", None), []
    for s in up:
        if s is first or s.cls not in SAMPLERS or "latent_image" not in s.links:
            continue
        node = wf.source(s, "latent_image")
        for _ in range(MAX_WALK):  # to the node putting the picture's and the sound's latents together
            if node is None or "audio_latent" in node.links:
                break
            node = wf.source(node, next((k for k in ("latent", "samples", "latent_image") if k in node.links), ""))
        given = wf.source(node, "audio_latent") if node is not None else None
        if given is not None and not (given.cls in MASKS and (m := wf.source(given, "mask")) is not None
                                      and m.cls == SOLID and wf.value(m, "value") == 0):
            out.append(s)
    return out


def wire(b: Any, gen: str, said: list[str]) -> None:
    """After the Video to Video ``gen`` is made: the clip's own sound into its Save Video where the workflow holds it
    (said), else the restyled sound said not made."""
    rs, b.restyle_sound = getattr(b, "restyle_sound", None), None
    if rs is None:
        return
    saves = [n for n in b.g.downstream(gen) if b.g.nodes[n].type_id == "io.save_video"]
    enc, loader, file = rs["enc"], rs["loader"], b.file_of(rs["loader"])
    if not rs["masks"]:
        said.append(f"{_name(enc)} encodes the sound of the clip '{file}' into the sampler's latent, which noises and "
                    "samples it with the picture: Studio's Video to Video restyles the picture alone, so that sound is "
                    "not made" + ("; Save Video writes the video without it" if saves and all(
                        b.g.input_link(s, "audio") is None for s in saves) else ""))
        return
    nid, _out = b.studio_loader(loader)
    wired = [s for s in saves if b.g.input_link(s, "audio") is None]
    for s in wired:
        b.g.connect(nid, "audio", s, "audio")
    mask, later = rs["masks"][0], rs["later"]
    if later:  # (a later pass samples it again: ComfyUI's output has that sound, Studio writes the clip's)
        said.append(f"{_name(enc)} encodes the sound of the clip '{file}' and {_name(mask)} holds it with a noise mask "
                    "of 0 through the first pass; the later pass " + ", ".join(_name(x) for x in later) + " re-noises "
                    "and samples it again: not done" + (", Save Video writes the clip's own sound (Load Video's)"
                                                         if wired else ""))
    else:
        said.append(f"{_name(enc)} encodes the sound of the clip '{file}' and {_name(mask)} holds it with a noise mask "
                    "of 0: the sampler keeps the clip's sound as it is" + (
                        ", so Save Video writes the clip's own sound (Load Video's), as ComfyUI's output has it"
                        if wired else ""))
    for k in [k for k, line in b.over.items() if "writes it without that sound" in line]:
        b.used.add(k)  # (its decoded sound is the clip's own, written: no longer passed over)
        del b.over[k]
