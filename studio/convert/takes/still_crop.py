"""A still made first (takes/still_first.py) given to a task node that puts its start picture in cut to the take's
aspect about the middle, then scaled (ComfyUI's common_upscale 'bilinear', 'center': a family's 'centre_cropped' hook
names the node types and their picture ports: Wan's WanImageToVideo), where the still's size (its empty picture
latent's) and the take's (the task node's width and height) are both given and their aspects differ: Studio's Scale to
the take's size, cut about the middle, between the still and its Frame Hold, said (Studio's Image to Video would stretch
a picture of another aspect to its size: diffusers' video_processor.preprocess, resize_mode 'default'). heldout95 07: a
720x1280 Flux still into a 704x544 Wan 2.2 take, squashed unsaid. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.tasks import LATENT_NAMES

MAX_SIDE = 16384  # ComfyUI's MAX_RESOLUTION


def _size(wf, n: CNode | None) -> tuple[int, int] | None:
    """(width, height) ``n`` is given as numbers (wired values Studio works out), or None."""
    if n is None:
        return None
    w, h = wf.value(n, "width"), wf.value(n, "height")
    ok = all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_SIDE for v in (w, h))
    return (w, h) if ok else None


def made(b: Any, node: CNode, port: str, sampler: CNode, src: tuple[str, str]) -> tuple[tuple[str, str], list[str], list[str]]:
    """Studio's Scale cutting the still (``src``: what gives the Frame Hold its picture) to the take's aspect about the
    middle and scaling it to the take's size, where ``node`` crops so on ``port`` and the aspects differ; (what gives
    the Frame Hold its picture, the sentences, the Studio nodes made): ``src`` and nothing where not."""
    wf = b.wf
    if port not in families.lookup("centre_cropped").get(node.cls, ()):
        return src, [], []
    latent = next((wf.source(sampler, k) for k in LATENT_NAMES if k in sampler.links), None)
    still, take = _size(wf, latent), _size(wf, node)
    if still is None or take is None or still[0] * take[1] == still[1] * take[0]:
        return src, [], []
    nid = b.add("transform.scale", {"width": take[0], "height": take[1], "crop": "center", "interpolation": "linear"},
                node)
    b.g.connect(*src, nid, "video")
    line = (f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) puts its '{port}' in cut to "
            f"{take[0]}x{take[1]}'s aspect about the middle, then scaled ('bilinear', 'center'), and the still is "
            f"{still[0]}x{still[1]}: Studio's Scale does the same before Frame Hold (Image to Video would stretch it)")
    return (nid, "video"), [line], [nid]
