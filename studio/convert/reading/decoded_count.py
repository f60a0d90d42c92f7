"""The number of pictures a count node gives of a decoded take: a node counting the pictures it is given (one IMAGE
socket, no setting, an INT output named a count: KJNodes' GetImageSizeAndCount 'count', GetImageSize's
'batch_size') given a VAE decode's pictures, whose latent's way up is samplers (decoded_size's walk: each gives the
latent it is given, denoised, the same length) to the node that makes it at a length its settings give
(WanImageToVideo, EmptyHunyuanLatentVideo, EmptyLTXVLatentVideo: 'length' / 'num_frames'). That length is the count
where it is one a video VAE decodes back unchanged: 1 + 8k frames (Wan's and Hunyuan's VAEs keep 1 + 4k, LTX's
1 + 8k; another length is rounded by the family's VAE, which is not known here: None). Told by declared types (the
catalogue). Found by the fifty-first held-out set: a Wan 2.2 long take whose second and third segments are as long as
the one before (WanImageToVideo's length from GetImageSizeAndCount of its decode) and start from its last frame
(ImageFromBatch at that count) was made at the generator's own length, the third from frame 0. Plain data and
stdlib."""
from __future__ import annotations

from .. import catalogue
from .decoded_size import MAX_WAY, latent_input, sampled_input

COUNTS = ("count", "batch_size", "frame_count", "image_count")
LENGTHS = ("length", "num_frames")


def _count_input(node, slot: int) -> str | None:
    """The IMAGE socket of a node counting its pictures at output ``slot`` (declared types), else None."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or t.widgets or len(t.sockets) != 1 or t.sockets[0].type != "IMAGE":
        return None
    outs = t.outputs or ()
    if not 0 <= slot < len(outs) or outs[slot].type != "INT" or (outs[slot].name or "").lower() not in COUNTS:
        return None
    return t.sockets[0].name


def count_input(node, slot: int) -> str | None:
    """_count_input, for readers of a count of another clip's frames (mapping/folded_sizes)."""
    return _count_input(node, slot)


def _length(wf, maker, depth: int) -> int | None:
    """The frames ``maker`` (a latent maker) makes its latent for, by its own length setting; else None."""
    t = catalogue.node_type(maker.origin or maker.cls)
    if t is None or t.inputs is None or "LATENT" not in (t.output_types or ()):
        return None
    for name in LENGTHS:
        i = t.input(name)
        if i is not None and i.type == "INT":
            v = wf.value(maker, name, depth)
            return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None
    return None


def count(wf, node, slot: int, depth: int = 0) -> int | None:
    """The count output ``slot`` of ``node`` gives where it counts a decoded take of a length known (see above)."""
    into = _count_input(node, slot)
    decode = wf.source(node, into) if into is not None else None
    latent = latent_input(decode) if decode is not None else None
    if latent is None or latent not in decode.links:
        return None
    up = wf.nodes.get(decode.links[latent][0])
    for _ in range(MAX_WAY):
        if up is None:
            return None
        step = sampled_input(up)
        if step is None:
            frames = _length(wf, up, depth)
            return frames if frames is not None and frames % 8 == 1 else None
        if step not in up.links:
            return None
        up = wf.nodes.get(up.links[step][0])
    return None
