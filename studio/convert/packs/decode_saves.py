"""A node pack's decode-and-save of a latent, told by its declared types (clss22: the CLSS pack's streaming decode,
'CLSS Video Decode+Save (streaming)'): an output node its pack declares, with no output, one VAE and one LATENT
socket (both wired), a file name setting, no frame rate and no setting that sends or uploads. It decodes the latent
with that VAE and writes the pictures under the name: read as ComfyUI's VAEDecode (made beside it) then its
SaveImage (Studio's picture save: PNG pictures, one a frame; a video sampler's frames: Save Image Sequence). What
else it is set to (how it decodes: in slices, with context) is said not applied. A node with a rate setting is a
video save (save_shapes.py's), not read here. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .save_shapes import NAME, RATE, SENDS
from .shapes import declared_of, unread

_name = CNode.named


def _shown(v: Any) -> str:
    s = repr(v) if isinstance(v, str) else str(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _read(wf: Workflow, n: CNode) -> str | None:
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None or not t.output_node or t.output_types:
        return None
    ins, _ = declared_of(wf, n)
    sockets = [(k, ty) for k, ty, w in ins if not w]
    settings = [k for k, _, w in ins if w]
    vaes = [k for k, ty in sockets if ty == "VAE"]
    latents = [k for k, ty in sockets if ty == "LATENT"]
    names = [k for k in settings if NAME.match(k)]
    if len(vaes) != 1 or len(latents) != 1 or len(sockets) != 2 or len(names) != 1 or not all(
            k in n.links for k in vaes + latents) or any(RATE.match(k) or SENDS.search(k) for k in settings):
        return None
    prefix = wf.value(n, names[0])
    prefix = prefix if isinstance(prefix, str) and prefix.strip() else "ComfyUI"
    decoder = CNode(id=f"{n.id}:decode", cls="VAEDecode", title=f"{n.title or n.shown_cls}'s decode", pos=n.pos,
                    links={"samples": n.links[latents[0]], "vae": n.links[vaes[0]]})
    decoder.said_as = f"the decode of {_name(n)}"
    wf.nodes[decoder.id] = decoder
    rest = [f"{k} {_shown(wf.value(n, k))}" for k in settings if k not in names and wf.value(n, k) is not None]
    n.origin, n.cls, n.widgets, n.links = n.shown_cls, "SaveImage", {"filename_prefix": prefix}, {
        "images": (decoder.id, 0)}
    wf.__dict__.pop("_consumers", None)
    line = (f"{_name(n)} decodes its '{latents[0]}' with its '{vaes[0]}' and saves the pictures under "
            f"{names[0]} {_shown(prefix)}, told by its types (an output node, a VAE and a latent in, a file name): read "
            "as ComfyUI's VAEDecode then SaveImage (Studio writes the frames as PNG pictures, one a frame)")
    if rest:
        line += (f"; its {', '.join(rest)} {'are' if len(rest) > 1 else 'is'} not applied (how it decodes: Studio "
                 "decodes the latent as its VAE does)")
    return line


def translate(wf: Workflow) -> list[str]:
    """Each node of a decode-and-save's shape rewritten as a VAEDecode and a SaveImage; one sentence each."""
    return [line for n in list(unread(wf)) if (line := _read(wf, n))]
