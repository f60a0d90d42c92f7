"""LTXVPreprocess on the way to LTX-2's pictures (its start image, a keyframe): ComfyUI compresses the picture as one
frame of an H.264 video at CRF img_compression before it is encoded, as LTX-2 was trained on video frames (ComfyUI's
comfy_extras/nodes_lt.py and ComfyUI-LTXVideo, read for meaning); its image-to-video and guide nodes do not compress
by themselves. diffusers' LTX-2 pipelines compress every picture they are given (apply_image_conditioning_crf, a port
of ltx-pipelines' media_io.preprocess) at 'image_crf', by default the model's own (33; LTX-2.5's 18): so the step's
value is LTX-2 Video + Sound's 'image_crf', and a picture reaching the generator with no such step on its way is
'image_crf' 0, not compressed, as ComfyUI gives it (samplers18: the step was said "not applied" while the pipeline
compressed at its own 33, and every picture given without it was compressed at 33 unsaid). One CRF for all the take's
pictures: another said not taken."""
from __future__ import annotations

from studio.convert.api import CNode, finite

NODE = "LTXVPreprocess"
MOST = 12  # the steps walked up from the generator's picture input (resizes, reroutes) to its loader


def _found(b, n: CNode, port: str) -> CNode | None:
    """The LTXVPreprocess running on the way to ``n``'s ``port`` (a picture input), through nodes passing one picture
    on; None where there is none (a bypassed one passes its picture as it is)."""
    src = n.links.get(port)
    for _ in range(MOST):
        m = b.wf.nodes.get(src[0]) if src is not None else None
        if m is None:
            return None
        if m.cls == NODE and m.enabled:
            return m
        way = next((k for k in ("image", "images", "input", "any") if k in m.links), None)
        if way is None:
            return None
        src = m.links[way]
    return None


def _seen(b) -> list:
    """The pictures whose CRF this take's settings read so far: [(node, port, its LTXVPreprocess, CRF, is the start
    picture)], the first the one taken (reset with the take's settings: the same dict)."""
    got = getattr(b, "crf_seen", None)
    if got is None or got[0] is not b.extra:
        got = b.crf_seen = (b.extra, [])
    return got[1]


def crf_read(b, n: CNode, port: str, gen: str, said: list[str], start: bool = False) -> None:
    """The CRF ComfyUI gives the picture on ``n``'s ``port`` (its LTXVPreprocess's img_compression, else 0) as the
    generator's 'image_crf' where ``gen`` has one (the step read: not said again; else left to be said as before);
    one differing from the one taken said not taken. ``start``: the take's start picture, whose CRF is the one taken
    over the keyframes' read before it (a guide after the in-place node is met first on the way up from the sampler:
    heldout102 09 took the last frame's 0 and said it "the take's first picture's")."""
    if "image_crf" not in b.spec_params(gen):
        return
    m = _found(b, n, port)
    v = b.wf.value(m, "img_compression") if m is not None else 0
    if not finite(v) or v < 0 or int(v) != v:
        return  # (a value Studio cannot read: the step said as before, the model's own CRF)
    if m is not None:
        b.used.add(m.id)
    seen, v = _seen(b), int(v)
    if start and seen and not seen[0][4] and seen[0][3] != v:  # the start picture's over the keyframes' read first
        seen.insert(0, (n, port, m, v, True))
        b.extra["image_crf"] = v
        for k in seen[1:]:
            _differs(b, k, said)
        return
    seen.append((n, port, m, v, start))
    if len(seen) == 1:
        b.extra["image_crf"] = v
    elif v != seen[0][3]:
        _differs(b, seen[-1], said)


def _differs(b, k: tuple, said: list[str]) -> None:
    n, port, m, v, _ = k
    first = _seen(b)[0]
    if v == first[3]:
        return
    how = f"compressed at CRF {v} by {m.named()}" if m is not None else "given uncompressed (no LTXVPreprocess)"
    whose = "the start picture's" if first[4] else "the picture read first's"
    said.append(f"{n.named()}'s '{port}' is {how}: not so in Studio, where LTX-2 compresses every picture it is "
                f"given at one CRF, 'image_crf' {first[3]} ({whose})")
