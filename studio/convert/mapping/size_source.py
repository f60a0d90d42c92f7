"""A start picture wired straight from its file to a latent maker whose width and height come from a resize of that
same file (ComfyUI's WanFirstLastFrameToVideo takes the picture and the size ImageResizeKJv2 gives of it, and makes
the picture that size itself): Studio's Scale of that resize goes on the picture's way, so the generator, at the
picture's size, makes the workflow's. Found by the tenth held-out set (a first/last-frame worker fitting its first
frame within 512x512). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing import resizes
from ..tracing.resizes import scale_params


def resize_of(wf: Workflow, node: CNode, loader: CNode, walked: list[CNode]) -> CNode | None:
    """The resize giving ``node`` its width and height (both from it) from ``loader``'s picture, made by Studio's
    Scale (scale_params), where no resize is on the picture's own way (``walked``); None otherwise."""
    w, h = node.links.get("width"), node.links.get("height")
    if not w or not h or w[0] != h[0] or any(scale_params(wf, n) is not None for n in walked):
        return None
    r = wf.nodes.get(w[0])
    src = r.links.get("image") if r is not None else None
    if r is None or not r.enabled or not src or src[0] != loader.id or scale_params(wf, r) is None:
        return None
    return r


def said(r: CNode, node: CNode, port: str, params: dict) -> str:
    size = (f"fitted within {params['width']}x{params['height']} (its aspect kept)" if params.get("crop") == "fit"
            else f"scaled to {params['width']}x{params['height']}")
    return (f"{node.of(port)} is made the size '{r.title or r.shown_cls}' ({r.shown_cls}, #{r.id}) gives of the same "
            f"file, which '{node.title or node.shown_cls}' (#{node.id}) is given as its width and height: the picture "
            f"is {size} by Studio's Scale, and the generator takes its size")


def scaled_said(wf: Workflow, node: CNode, port: str, loader: CNode, walked: list[CNode], scaled: dict, steps: list,
                masking: bool) -> list[str]:
    """The sentences of the resizes on the picture's way Studio's Scale makes (``scaled``), and of the one
    resize_of finds (put in ``steps``, so it is made: mapping.inputs)."""
    out = [resizes.said(n, scaled[n.id], port, node) for n in reversed(walked) if n.id in scaled]
    if not masking and (sized := resize_of(wf, node, loader, walked)) is not None:
        steps.append(sized)
        out.append(said(sized, node, port, scale_params(wf, sized)))
        scaled = {**scaled, sized.id: True}
    for name in ("width", "height"):  # a size the picture Studio scales gives: not 'the generator's own' (folded_sizes)
        if (src := node.links.get(name)) and src[0] in scaled and wf.nodes[src[0]].cls != "GetImageSize":
            wf.sized.add(src[0])
    return out
