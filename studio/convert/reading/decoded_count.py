"""The number of pictures a count node gives of a decoded take: a node counting the pictures it is given (one IMAGE
socket, no setting, an INT output named a count: KJNodes' GetImageSizeAndCount 'count', GetImageSize's
'batch_size') given a VAE decode's pictures, whose latent's way up is samplers (decoded_size's walk: each gives the
latent it is given, denoised, the same length) to the node that makes it at a length its settings give
(WanImageToVideo, EmptyHunyuanLatentVideo, EmptyLTXVLatentVideo: 'length' / 'num_frames'). That length is the count
where it is one a video VAE decodes back unchanged: 1 + 8k frames (Wan's and Hunyuan's VAEs keep 1 + 4k, LTX's
1 + 8k; another length is rounded by the family's VAE, which is not known here: None). Told by declared types (the
catalogue). Found by the fifty-first held-out set: a Wan 2.2 long take whose second and third segments are as long as
the one before (WanImageToVideo's length from GetImageSizeAndCount of its decode) and start from its last frame
(ImageFromBatch at that count) was made at the generator's own length, the third from frame 0. Counted through the
steps between the decode and the count node where each gives as many pictures as it is given (a resize, a measure
passing its picture on: by declared types, no setting naming frames) or picks a range of frames lying wholly within
the take (ImageFromBatch 0 of 81 of a 121-frame take: 81), as count9 found needed (issue 112). Plain data and
stdlib."""
from __future__ import annotations

import re

from .. import catalogue
from .decoded_size import MAX_WAY, latent_input, picked_input, sampled_input

COUNTS = ("count", "batch_size", "frame_count", "image_count")
LENGTHS = ("length", "num_frames")
COUNTING = re.compile(r"(?i)frame|batch|length|count|index|nth|skip|start|multipl|repeat|loop|interp|rate|fps|times|"
                      r"duplicat|amount|num")  # a step's setting that may change how many pictures it gives


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


def kept_input(node) -> str | None:
    """_kept_input, for readers of a count measured after a resize of a clip (mapping/folded_sizes)."""
    return _kept_input(node)


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


def _kept_input(node) -> str | None:
    """The picture input of a step giving as many pictures as it is given (one IMAGE socket, IMAGE out first, other
    outputs numbers or a mask, no setting naming frames, a count, a rate or a repeat: a resize, a measure passing its
    picture on), by declared types; else None."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or not t.outputs or len(t.sockets) != 1 or t.sockets[0].type != "IMAGE":
        return None
    outs = list(t.output_types)
    if outs[0] != "IMAGE" or any(o not in ("INT", "FLOAT", "MASK") for o in outs[1:]):
        return None
    return None if any(COUNTING.search(w.name) for w in t.widgets) else t.sockets[0].name


def _picked(wf, node, depth: int) -> tuple[str, int, int] | None:
    """(its picture input, the first frame, how many) of a frame pick by its declared types (picked_input: its
    settings numbers of frames only; one naming the first frame, one how many), both known whole numbers; else None."""
    into = picked_input(node)
    t = catalogue.node_type(node.origin or node.cls) if into is not None else None
    if t is None:
        return None
    first = [w.name for w in t.widgets if "index" in w.name or w.name.startswith("start")]
    many = [w.name for w in t.widgets if w.name in ("length", "num_frames", "count", "frames")]
    if len(first) != 1 or len(many) != 1 or len(t.widgets) != 2:
        return None
    at, n = wf.value(node, first[0], depth), wf.value(node, many[0], depth)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (at, n)) or at < 0 or n < 1:
        return None
    return into, at, n


def count(wf, node, slot: int, depth: int = 0) -> int | None:
    """The count output ``slot`` of ``node`` gives where it counts a decoded take of a length known (see above),
    through steps giving as many pictures as they are given and frame picks lying wholly within the take (where a
    pick runs past its end, what a pack's node does there is not known here: None)."""
    into = _count_input(node, slot)
    up = wf.source(node, into) if into is not None else None
    picks = []
    for _ in range(MAX_WAY):
        if up is None or latent_input(up) is not None:
            break
        if (got := _picked(wf, up, depth)) is not None:
            picks.append(got[1:])
            up = wf.source(up, got[0])
        elif (kept := _kept_input(up)) is not None:
            up = wf.source(up, kept)
        else:
            return None
    frames = _decoded(wf, up, depth) if up is not None else None
    for at, n in reversed(picks):  # (the one nearest the decode first)
        if frames is None or at + n > frames:
            return None
        frames = n
    return frames


def _decoded(wf, decode, depth: int) -> int | None:
    """The frames the decode ``decode`` gives of a take of a length known (see above), else None."""
    latent = latent_input(decode)
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
