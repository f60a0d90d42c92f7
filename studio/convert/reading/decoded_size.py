"""The size of the pictures a VAE decode gives: that of the latent it decodes, where the latent's way up is samplers
(each gives the latent it is given, denoised: the same size) to the node that makes it at a width and height its
settings give (EmptyHunyuanLatentVideo, WanImageToVideo...). And a step picking frames of a batch (ImageFromBatch+,
ImageListToImageBatch) keeps its pictures' size. Told by declared types (the catalogue): a decode takes a LATENT and
a VAE and gives an IMAGE alone; a sampler takes a MODEL or a GUIDER and a LATENT and gives a LATENT first; a frame
picker takes one IMAGE and gives one, its settings only numbers of frames. Found by the thirty-third held-out set:
a template pack's upscale to 1.5x the size measured on the decoded take (GetImageSize+ of its first frame) was 'a
size Studio cannot work out', the upscaled videos written at half size. Plain data and stdlib."""
from __future__ import annotations

import re

from .. import catalogue
from ..families import registry as families

PICKS = re.compile(r"(?i)^(start|start_index|length|batch_index|index|num_frames|count|frames?|skip_first_frames|"
                   r"select_every_nth)$")  # a frame picker's settings: which frames, never a size
MAX_WAY = 16  # samplers followed up from a decode


def _types(node):
    t = catalogue.node_type(node.origin or node.cls)
    return t if t is not None and t.inputs is not None and t.outputs else None


def latent_input(node) -> str | None:
    """The LATENT input of a VAE decode ``node`` (by its declared types), else None."""
    t = _types(node)
    if t is None or list(t.output_types) != ["IMAGE"]:
        return None
    sockets = {i.type: i.name for i in t.sockets}
    if set(sockets) != {"LATENT", "VAE"} or len(t.sockets) != 2:
        return None
    return sockets["LATENT"]


def picked_input(node) -> str | None:
    """The picture input of a frame picker ``node``: one IMAGE socket (beside it MASK ones only), an IMAGE output
    first (after it MASK ones only: KJNodes' GetImageRangeFromBatch picks a mask's frames too; heldout60 06's size of
    its frame 0 was 'a value Studio cannot work out'), its settings numbers of frames only; None for any other."""
    t = _types(node)
    outs = list(t.output_types) if t is not None else []
    if not outs or outs[0] != "IMAGE" or any(o != "MASK" for o in outs[1:]):
        return None
    sockets = [i for i in t.sockets if i.type == "IMAGE"]
    if len(sockets) != 1 or any(i.type not in ("IMAGE", "MASK") for i in t.sockets):
        return None
    if (len(outs) > 1 or len(t.sockets) > 1) and not t.widgets:  # with masks, picking by settings only (a crop
        return None  # by its mask, a matte joined in: no picker)
    if any(not PICKS.match(w.name) or w.type not in ("INT", "BOOLEAN") for w in t.widgets):
        return None
    return sockets[0].name


def _sampled(node) -> str | None:
    """The LATENT input a sampler ``node`` denoises (declared: a MODEL or GUIDER socket, a LATENT one, LATENT first
    out), else None."""
    t = _types(node)
    if t is None or not t.output_types or t.output_types[0] != "LATENT":
        return None
    kinds = {i.type for i in t.sockets}
    latents = [i.name for i in t.sockets if i.type == "LATENT"]
    if not kinds & {"MODEL", "GUIDER"} or len(latents) != 1:
        return None
    return latents[0]


def latent_size(wf, node, depth: int = 0, decode=None) -> tuple[int, int] | None:
    """The width and height (pixels) of the latent ``node`` gives: its own settings' where it has a width and a
    height and gives a LATENT (a latent maker), else up through the sampler it is; times the factor a family's
    'decoded_scale' hook gives for ``decode`` (the VAE decode asked of: Wan 2.2 TI2V 5B's VAE on an eighth-size
    latent, x2)."""
    for _ in range(MAX_WAY):
        if node is None:
            return None
        t = _types(node)
        if t is not None and "LATENT" in t.output_types and _sampled(node) is None:
            w, h = wf.value(node, "width", depth), wf.value(node, "height", depth)
            ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in (w, h))
            k = next((f for scale in families.lookup("decoded_scale") if decode is not None
                      and (f := scale(wf, node, decode))), 1)
            return (int(w) * k, int(h) * k) if ok else None
        into = _sampled(node)
        if into is None or into not in node.links:
            return None
        node = wf.nodes.get(node.links[into][0])
    return None


def sampled_input(node) -> str | None:
    """The LATENT input a sampler ``node`` denoises, else None (_sampled, for the count of a decoded take:
    decoded_count.py)."""
    return _sampled(node)
