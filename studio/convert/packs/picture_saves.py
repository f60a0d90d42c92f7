"""A node pack's save of pictures Studio has no rule for, told by its declared types (clss22: the CLSS pack's
examples write their takes as PNG frames): an output node its pack declares, with no output, a file name setting,
no frame rate, no format and no setting that sends or uploads, and either
- one IMAGE socket (wired): it saves those pictures ('[Movie Tools] Save images'): read as ComfyUI's SaveImage;
- one VAE and one LATENT socket (both wired): it decodes the latent with that VAE and saves the pictures ('CLSS Video
  Decode+Save (streaming)'): read as ComfyUI's VAEDecode (made beside it) then SaveImage.
Studio writes the frames as PNG pictures, one a frame (a video sampler's frames: Save Image Sequence). Its other
settings (a subfolder, how it decodes: in slices, with context) are said not applied. A save with a rate or a format
is a video save (save_shapes.py's), not read here. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .save_shapes import FORMAT, NAME, RATE, SENDS
from .shapes import declared_of, unread

_name = CNode.named
CORE = "Comfy-Org/ComfyUI"  # ComfyUI's own saves: read by their names, never as a pack's


def _shown(v: Any) -> str:
    s = repr(v) if isinstance(v, str) else str(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _parts(wf: Workflow, n: CNode) -> tuple[dict[str, str], str, list[str]] | None:
    """({'IMAGE' or 'VAE' and 'LATENT': its socket}, its file name setting, its other settings) of a node of a picture
    save's shape; None else."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.pack == CORE or t.inputs is None or not t.output_node or t.output_types:
        return None
    ins, _ = declared_of(wf, n)
    sockets = {ty: k for k, ty, w in ins if not w}
    settings = [k for k, _, w in ins if w]
    names = [k for k in settings if NAME.match(k)]
    if len(names) != 1 or any(RATE.match(k) or FORMAT.match(k) or SENDS.search(k) for k in settings):
        return None
    wanted = ("IMAGE",) if "IMAGE" in sockets else ("VAE", "LATENT")
    if len(sockets) != len(wanted) or set(sockets) != set(wanted) or not all(sockets[k] in n.links for k in wanted):
        return None
    known = {k for k, _, _ in ins}  # (and the settings its file gives that its declaration does not: said too)
    return sockets, names[0], [k for k in settings if k != names[0]] + [k for k in n.widgets if k not in known]


def _read(wf: Workflow, n: CNode) -> str | None:
    parts = _parts(wf, n)
    if parts is None:
        return None
    sockets, name, others = parts
    prefix = wf.value(n, name)
    prefix = prefix if isinstance(prefix, str) and prefix.strip() else "ComfyUI"
    rest = [f"{k} {_shown(wf.value(n, k))}" for k in others if wf.value(n, k) not in (None, "")]
    if "IMAGE" in sockets:
        images = n.links[sockets["IMAGE"]]
        head = (f"{_name(n)} saves its '{sockets['IMAGE']}' as pictures under {name} {_shown(prefix)}, told by its "
                "types (an output node, pictures in, a file name): read as ComfyUI's SaveImage")
    else:
        decoder = CNode(id=f"{n.id}:decode", cls="VAEDecode", title=n.title, origin=n.shown_cls, pos=n.pos,
                        links={"samples": n.links[sockets["LATENT"]], "vae": n.links[sockets["VAE"]]})
        decoder.said_as = f"the decode of {_name(n)}"
        wf.nodes[decoder.id] = decoder
        images = (decoder.id, 0)
        head = (f"{_name(n)} decodes its '{sockets['LATENT']}' with its '{sockets['VAE']}' and saves the pictures under "
                f"{name} {_shown(prefix)}, told by its types (an output node, a VAE and a latent in, a file name): read "
                "as ComfyUI's VAEDecode then SaveImage")
    n.origin, n.cls, n.widgets, n.links = n.shown_cls, "SaveImage", {"filename_prefix": prefix}, {"images": images}
    wf.__dict__.pop("_consumers", None)
    line = head + " (Studio writes the frames as PNG pictures, one a frame)"
    if rest:
        line += f"; its {', '.join(rest)} {'are' if len(rest) > 1 else 'is'} not applied"
    return line


def translate(wf: Workflow) -> list[str]:
    """Each node of a picture save's shape rewritten as SaveImage (a decode made before it where it decodes); one
    sentence each."""
    return [line for n in list(unread(wf)) if (line := _read(wf, n))]
