"""A take's size a known factor of the size of a clip (or picture) Studio gives a generator input that does not size
the take (LTX-2's 'control': an IC-LoRA's pose, depth or edge frames), where the generator, given width and height 0,
takes the size of its picture input instead ('image': folded_sizes.SIZED_BY). ComfyUI's latent is made at that factor
times the clip's size (EmptyLTXVLatentVideo's width and height from GetImageSize of the control frames scaled by 0.5,
as ComfyUI's Pose / Canny / Depth to Video blueprints make it: heldout64 06) and its start picture is put in at the
latent's size (LTXVImgToVideoInplace, WanImageToVideo: stretched to it, cropped about the middle, bilinear). Studio
makes the same by a Scale x factor of that clip, and a Scale of the picture to that size (Scale's 'like') on the
picture's way, so the generator, at width and height 0, takes that size when it runs. Read by the inputs' roles (the
loaders Studio gives each input, folded_sizes.loaded_for), not by node names. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..finishing.core import METHODS
from ..reading.workflow import LOADER_NODES, CNode
from .latent_named import whose

CLIP_LOADERS = tuple(k for k, (_, kind) in LOADER_NODES.items() if kind == "video")  # (a clip's frames measured)


def sized_input(loaded_for: dict[str, str], sized_by: tuple[str, ...]) -> str | None:
    """The generator input whose size its width and height 0 take that Studio gives a loader's picture as it is
    (``loaded_for``: loader id -> input), else None."""
    return next((v for v in loaded_for.values() if v in sized_by), None)


def said(latent: CNode, src: CNode, into: str, loader: CNode, k: float, sized: str, words: str) -> str:
    """The sentence of the relation kept through the picture input ``sized``."""
    of = "the size" if k == 1 else f"{k:g} times the size"
    measure = "their size" if k == 1 else f"Studio's Scale x{k:g} of them"
    return (f"{whose(latent, ['width', 'height'])} come from {src.named()}, {of} of the frames {loader.named()} "
            f"loads{words}, which Studio gives the generator's '{into}': "
            f"{measure} sizes the picture given its '{sized}' "
            f"(a Scale to that size on its way, cropped about the middle, as ComfyUI puts its picture in at the "
            f"latent's size), so the "
            f"generator takes that size when it runs (its 'width' and 'height' 0), as ComfyUI's latent is made at "
            f"{of} of those frames")


def kept(b: Any, gen: str, into: str, k: float, steps: list[CNode], sized: str) -> None:
    """Studio's Scale x``k`` of what the generator's ``into`` is given, and a Scale of its ``sized`` picture to that
    size (its 'like'), put on the wire into ``sized`` (the relation ``said`` says)."""
    source, pic = b.g.input_link(gen, into), b.g.input_link(gen, sized)
    if source is None or pic is None:
        return
    measure, port = source.src, source.src_port  # (the factor 1: its own size, no Scale of it)
    if k != 1:
        method = METHODS.get(str(b.wf.value(steps[-1], "upscale_method"))) if steps else None
        measure = b.add("transform.scale", {"scale": k, **({"interpolation": method} if method else {})},
                        steps[-1] if steps else None)
        b.g.connect(source.src, source.src_port, measure, "video")
        port = "video"
    fitted = b.add("transform.scale", {"crop": "center", "interpolation": "linear"}, steps[-1] if steps else None)
    b.g.disconnect(gen, sized)
    b.g.connect(pic.src, pic.src_port, fitted, "video")
    b.g.connect(measure, port, fitted, "like")
    out, node = "video", fitted
    want = next((i.type for i in b.g.registry.get(b.g.node(gen).type_id).inputs if i.name == sized), None)
    if want == "Image":  # (a picture scaled is a one-frame clip: held as a still, as making.py does after a Scale)
        node = b.add("edit.frame_hold", {"frame": 0}, steps[-1] if steps else None)
        b.g.connect(fitted, "video", node, "video")
        out = "image"
    b.g.connect(node, out, gen, sized)
