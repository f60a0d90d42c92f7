"""A control clip scaled to the size a VideoX-Fun sampler picks from another picture it measures (its stand-in
BUCKET_LIKE, tracing/resizes.py: the sampler sizes its take by the bucket nearest its start, reference or subject
image's aspect at base_resolution and stretches the clip there, videoxfun8) as Studio's Scale on the clip with that
picture, scaled to its bucket, on its 'like' (the clip takes that picture's size). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode
from ..tracing.resizes import BUCKET_SCALE, scale_params
from ..tracing.walks import find_loader


def make(b, n: CNode, src: tuple[str, str]) -> str:
    """Studio's Scale for stand-in ``n`` on the clip ``src``, its 'like' the measured picture at its bucket: the
    picture's file through the resizes on its way (the start image's own bucket Scale, made once for both), else
    (a reference or subject image Studio reads as it is) a bucket Scale of its own at the sampler's base."""
    wf, walked = b.wf, []
    scale = b.add("transform.scale", {"crop": "disabled", "interpolation": "cubic"}, n)
    b.g.connect(*src, scale, "video")
    found = find_loader(wf, n, "like", b.used, walked)  # (its file used: not said unread)
    if found is None:  # (the translation makes the stand-in only where the picture's file is found)
        return scale
    like = b.studio_loader(found[0], found[1])
    steps = [m for m in reversed(walked) if scale_params(wf, m) is not None]  # from the file on
    for m in steps:
        like = b.step(m, like)
    if not any(m.cls == BUCKET_SCALE for m in steps):
        key = f"{n.id}~like<{like[0]}.{like[1]}"
        if key not in b.loaded:
            p = {k: v for k, v in scale_params(wf, n).items() if k != "like"}
            b.loaded[key] = b.add("transform.scale", p, n, title=f"{n.title or n.shown_cls} size")
            b.g.connect(*like, b.loaded[key], "video")
        like = (b.loaded[key], "video")
    b.g.connect(*like, scale, "like")
    return scale
