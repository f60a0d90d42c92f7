"""A clip's encoded latent upscaled by a family's latent upscaler (LTX's LTXVLatentUpsampler: x2 a pass, its model
spatial) between the encode and the sampler re-noising it part way: ComfyUI samples the clip again at twice its size
(Lightricks' LTX-Video upscale/detail example, heldout33 02: the x2 upsample was named nowhere but as the looping
sampler's guiding latents, the Video to Video made at the clip's own size). Studio's Video to Video takes pixels: the
clip is scaled by the same factor by Studio's Scale before it (in pixels, where ComfyUI scales the latent with its
upscaler model), said. Told by the families' upscalers (the 'upscalers' hook) on the latent's way from the encode to
the first sampler, each a x2. Plain stdlib."""
from __future__ import annotations

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.roles import in_type
from ..tracing.tasks import V2V
from .. import catalogue

LATENT_IN = ("samples", "latent", "latents", "latent_image")
MAX_WAY = 32


def _way(wf, first: CNode, encode: CNode) -> list[CNode] | None:
    """The nodes between the encode and the first sampler on its latent's way, nearest the sampler first; None where
    the way does not reach the encode."""
    out, link = [], first.links.get("latent_image") or first.links.get("latents")
    for _ in range(MAX_WAY):
        n = wf.nodes.get(link[0]) if link else None
        if n is None:
            return None
        if n is encode:
            return out
        out.append(n)
        link = next((n.links[k] for k in LATENT_IN if k in n.links), None)
    return None


def _file(wf, m: CNode):
    """The model file a loader names (its input its type declares a models folder's file list for)."""
    t = catalogue.node_type(m.origin or m.cls)
    return next((v for i in (t.inputs or ()) if i.files and isinstance(v := wf.value(m, i.name), str)), None) \
        if t is not None else None


def upscalers(wf, o) -> list[CNode]:
    """The families' latent upscalers between the encode of Video to Video output ``o``'s clip and its first sampler,
    nearest the sampler first ([] where none; mapping.held_restyle names them where that output is held)."""
    if o.task != V2V or o.latent is None or not o.latent.cls.startswith("VAEEncode"):
        return []
    return [n for n in _way(wf, o.first, o.latent) or [] if n.cls in families.lookup("upscalers")]


def read(b, o) -> tuple[int, CNode | None]:
    """(the factor the clip of Video to Video output ``o`` is upscaled by on its latent's way, 1 where none; the upscaler
    nearest the encode); said in the output's note."""
    ups = upscalers(b.wf, o)
    if not ups:
        return 1, None
    factor = 2 ** len(ups)
    names = ", ".join(n.named() for n in reversed(ups))
    models = [m for n in ups for k, (src, _) in n.links.items() if (m := b.wf.nodes.get(src)) is not None and
              in_type(n, k) not in ("LATENT", "VAE")]  # (the upscaler model's loader, by what it is given)
    files = [f"'{f}' ({m.named()})" for m in models if isinstance(f := _file(b.wf, m), str) and f]
    o.said.append(f"{names} upscales the encoded clip's latent x{factor} before '{o.first.title or o.first.shown_cls}' "
                  f"(#{o.first.id}) samples it again: Studio's Scale x{factor} before Video to Video makes the clip that "
                  "size (in pixels, where ComfyUI upscales the latent with its upscaler model"
                  + (f" {', '.join(files)}, not loaded)" if files else ")"))
    b.used |= {n.id for n in ups} | {m.id for m in models if files}
    return factor, ups[-1]


def make(b, gen: str, read_as: tuple[int, CNode | None]) -> None:
    """Studio's Scale by the factor ``read`` found on Video to Video ``gen``'s clip."""
    factor, at = read_as
    if factor > 1:
        scale_before(b, gen, {"scale": float(factor)}, at)


def scale_before(b, gen: str, params: dict, at: CNode) -> str | None:
    """Studio's Scale (``params``: its factor, or its size) put between generator ``gen`` and the clip its 'video'
    is given (takes.latent_refine too); its id, None where nothing is wired there."""
    link = b.g.input_link(gen, "video")
    if link is None:
        return None
    b.g.disconnect(gen, "video")
    nid = b.add("transform.scale", params, at)
    b.g.connect(link.src, link.src_port, nid, "video")
    b.g.connect(nid, "video", gen, "video")
    return nid
