"""ComfyUI's core mask nodes and Stitch Images, node for node (as finishing.core reads the other core picture nodes):
each becomes the Studio operation doing what it does, its settings read from the workflow and, where the workflow
gives none, ComfyUI's declared default (the catalogue's). A MASK between two nodes is Studio's Mask (a one-channel
clip). ImageToMask, InvertMask, GrowMask and ThresholdMask are Mask Tools (a channel picked; inverted; grown by a
diamond with tapered corners, by a square without; thresholded); SolidMask, MaskToImage, MaskComposite, FeatherMask
and CropMask their own nodes (nodes/edit/mask_core.py); ImageStitch Studio's Stitch (nodes/edit/stitch.py).
Plain data: (Studio node, ComfyUI input -> Studio input, settings, output slot -> Studio output) per type."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow

MASK_OUT = {0: "mask"}


def value(wf: Workflow, n: CNode, name: str):
    """The setting ``name`` of ``n``: the workflow's, else ComfyUI's declared default for it (None: neither)."""
    v = wf.value(n, name)
    if v is None:
        t = catalogue.node_type(n.shown_cls)
        i = t.input(name) if t is not None else None
        v = i.default if i is not None else None
    return v


def _channel(wf, n):
    ch = value(wf, n, "channel")
    return {"channel": ch} if ch in ("red", "green", "blue", "alpha") else None


def _grow(wf, n):
    expand = value(wf, n, "expand")
    if not isinstance(expand, (int, float)):
        return None
    return {"grow": int(expand), "grow_shape": "diamond" if value(wf, n, "tapered_corners") is not False else "square"}


def _threshold(wf, n):
    v = value(wf, n, "value")
    return {"threshold": float(v)} if isinstance(v, (int, float)) and 0 <= v <= 1 else None


def _settings(*names: str):
    """A reader of ``names`` as they are (None where one is missing)."""
    def read(wf, n):
        got = {k: value(wf, n, k) for k in names}
        return None if any(v is None for v in got.values()) else got
    return read


def _solid(wf, n):
    got = _settings("value", "width", "height")(wf, n)
    return None if got is None else {**got, "frames": 1}


def _stitch(wf, n):
    got = _settings("direction", "match_image_size", "spacing_width", "spacing_color")(wf, n)
    return got if got is not None and got["direction"] in ("right", "down", "left", "up") else None


# ComfyUI type: (Studio node, its inputs, its settings, its outputs)
MASK_OPS = {
    "ImageToMask": ("edit.mask_tools", {"image": "mask"}, _channel, MASK_OUT),
    "InvertMask": ("edit.mask_tools", {"mask": "mask"}, lambda wf, n: {"invert": True}, MASK_OUT),
    "GrowMask": ("edit.mask_tools", {"mask": "mask"}, _grow, MASK_OUT),
    "ThresholdMask": ("edit.mask_tools", {"mask": "mask"}, _threshold, MASK_OUT),
    "SolidMask": ("edit.solid_mask", {}, _solid, MASK_OUT),
    "MaskToImage": ("edit.mask_to_video", {"mask": "mask"}, lambda wf, n: {}, {0: "video"}),
    "MaskComposite": ("edit.combine_masks", {"destination": "destination", "source": "source"},
                      _settings("x", "y", "operation"), MASK_OUT),
    "FeatherMask": ("edit.feather_edges", {"mask": "mask"}, _settings("left", "top", "right", "bottom"), MASK_OUT),
    "CropMask": ("edit.crop_mask", {"mask": "mask"}, _settings("x", "y", "width", "height"), MASK_OUT),
    "ImageStitch": ("edit.stitch", {"image1": "image1", "image2": "image2"}, _stitch, {0: "video"}),
}
