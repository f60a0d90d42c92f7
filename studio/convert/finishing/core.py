"""ComfyUI's core image nodes that make a video without a model: EmptyImage -> CreateVideo ->
SaveVideo becomes Solid Colour -> Save Video (the size, frame count, colour and frame rate the
workflow's). The smallest workflow a ComfyUI client sends to check a back end, so it must run.

Plain data: the builder (mapping.convert._Builder) makes the nodes; nothing of ComfyUI is run."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow

SAVES = ("SaveVideo", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG")


def core_path(wf: Workflow, end: CNode) -> tuple[CNode, CNode] | None:
    """(CreateVideo, EmptyImage) feeding the output ``end``; None when it is fed otherwise."""
    if end.cls not in SAVES:
        return None
    create = wf.source(end, "video") if end.cls == "SaveVideo" else None
    image = wf.source(create, "images") if create is not None and create.cls == "CreateVideo" else \
        wf.source(end, "images")
    if image is None or image.cls != "EmptyImage":
        return None
    return create or end, image


def make_core(b, end: CNode, create: CNode, image: CNode) -> None:
    """Solid Colour -> Save Video for ``end``, made by the builder ``b``."""
    wf = b.wf
    rgb = int(wf.value(image, "color") or 0) & 0xFFFFFF
    fps = wf.value(create, "fps") or 24
    params = {"width": wf.value(image, "width"), "height": wf.value(image, "height"),
              "frames": wf.value(image, "batch_size") or 1, "fps": fps, "color": f"#{rgb:06x}"}
    made = len(b.g.nodes)
    solid = b.add("procedural.solid", params, image)
    save = b.add("io.save_video", {"path": b.save_path(end)}, end)
    b.g.connect(solid, "video", save, "video")
    b.used |= {end.id, create.id, image.id}
    b.bands.append(list(b.g.nodes)[made:])
    b.out.tasks.append({"task": "solid colour", "family": "core", "generator": None, "inputs": []})
    b.out.log.append(f"{b.name}: ComfyUI '{end.title or end.cls}' -> Solid Colour -> Save Video")
