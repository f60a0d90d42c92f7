"""The ranges ComfyUI declares for the numbers of its video latent nodes (min, max, step, as its
comfy_extras/nodes_wan.py, nodes_lt.py and nodes_hunyuan.py declare them: facts read, no code copied; MAX_RESOLUTION is
ComfyUI's 16384). The templates Studio's table is made from (comfy_nodes.json) carry each widget's
value and default, never its range: these are added to what /object_info serves, so the page's
widgets stop at them and /prompt refuses a value past them (checks/validate.py) before anything is
made of it."""
from __future__ import annotations

MAX_RESOLUTION = 16384
_BATCH = {"min": 1, "max": 4096}
# Wan 2.1's image-to-video family: 16-pixel steps, lengths of 4n+1 frames
_WAN = {"width": {"min": 16, "max": MAX_RESOLUTION, "step": 16}, "height": {"min": 16, "max": MAX_RESOLUTION, "step": 16},
        "length": {"min": 1, "max": MAX_RESOLUTION, "step": 4}, "batch_size": _BATCH}

RANGES: dict[str, dict[str, dict]] = {
    **{cls: _WAN for cls in ("WanImageToVideo", "WanFunControlToVideo", "Wan22FunControlToVideo",
                             "WanFirstLastFrameToVideo", "WanFunInpaintToVideo", "WanCameraImageToVideo",
                             "EmptyHunyuanVideo15Latent", "HunyuanVideo15ImageToVideo")},
    "WanVaceToVideo": {**_WAN, "strength": {"min": 0.0, "max": 1000.0, "step": 0.01}},
    "LTXVImgToVideo": {"width": {"min": 64, "max": MAX_RESOLUTION, "step": 32},
                       "height": {"min": 64, "max": MAX_RESOLUTION, "step": 32},
                       "length": {"min": 9, "max": MAX_RESOLUTION, "step": 8}, "batch_size": _BATCH,
                       "strength": {"min": 0.0, "max": 1.0}},
    "TrimVideoLatent": {"trim_amount": {"min": 0, "max": 99999}},
}


def declared_range(cls: str, name: str) -> dict:
    """The min/max/step ComfyUI declares for the input ``name`` of ``cls``: this table's, else the catalogue's
    (the node types read from the packs' own sources, studio/convert/catalogue); {}: none known."""
    got = RANGES.get(cls, {}).get(name)
    if got is None:
        from studio.convert import catalogue
        got = {k: v for k, v in catalogue.ranges(cls).get(name, {}).items() if k != "default"}
    return got
