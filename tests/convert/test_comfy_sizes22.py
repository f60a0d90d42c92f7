"""ComfyUI's Resize Image/Mask (ResizeImageMaskNode) by every mode its DynamicCombo 'resize_type' declares, read as
Studio's Scale on a generator's start picture, and chains of its steps composed (task sizes22; held-out 107 01 / 03:
LTX-2 sized by 'scale total pixels', 'scale to multiple' and 'scale by multiplier' 0.5 for the first stage). Fixtures
from the facts of comfy_extras/nodes_post_processing.py (yzkee/ComfyUI@783545f6): the modes' names, their settings
('resize_type.megapixels'...), the order a UI file saves them, and each mode's arithmetic."""
from __future__ import annotations

import math
import struct
import zlib

import pytest

from studio.convert.reading.workflow import Workflow
from studio.convert.tracing import resizes

from .test_comfy_ltx2x22 import _made, _two_stage

MODES = [("scale total pixels", "megapixels", 2), ("scale to multiple", "multiple", 8),
         ("scale longer dimension", "longer_size", 1024), ("scale shorter dimension", "shorter_size", 512),
         ("scale width", "width", 640), ("scale height", "height", 360), ("scale by multiplier", "multiplier", 0.5)]


def _comfy(kind: str, s, w: int, h: int) -> tuple[int, int]:
    """The size ComfyUI's node gives a w x h picture in each mode (its arithmetic, restated from the facts)."""
    if kind == "scale total pixels":
        k = math.sqrt(int(s * 1024 * 1024) / (w * h))
        return round(w * k), round(h * k)
    if kind == "scale to multiple":
        return w // s * s, h // s * s
    if kind == "scale by multiplier":
        return round(w * s), round(h * s)
    if kind == "scale width":
        return s, max(1, round(h * s / w))
    if kind == "scale height":
        return max(1, round(w * s / h)), s
    if kind == "scale longer dimension":
        return (s, round((h / w) * s)) if w > h else (round((w / h) * s), s) if h > w else (s, s)
    return (round((w / h) * s), s) if h < w else (s, round((h / w) * s)) if w < h else (s, s)


def _api(kind: str, name: str, s, method: str = "area") -> dict:
    return {"img": {"class_type": "LoadImage", "inputs": {"image": "pic.png"}},
            "rz": {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["img", 0], "resize_type": kind,
                                                                   f"resize_type.{name}": s, "scale_method": method}}}


def _read(doc: dict, folder: str | None = None) -> Workflow:
    wf = Workflow.read(doc)
    wf.folder = folder
    return wf


def _png(path, w: int, h: int) -> None:
    """A PNG of w x h (its header is what the converter reads)."""
    raw = b"".join(b"\0" + b"\0\0\0" * w for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))  # noqa: E731
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("kind,name,s", MODES)
def test_each_mode_with_the_picture_at_hand_gives_comfyuis_size(tmp_path, kind, name, s):
    for w, h in ((1921, 1083), (1083, 1921), (800, 800)):
        _png(tmp_path / "pic.png", w, h)
        wf = _read(_api(kind, name, s), str(tmp_path))
        assert wf.image_size(wf.nodes["rz"]) == _comfy(kind, s, w, h), (kind, w, h)
        ui = _read(_api(kind, name, s), str(tmp_path))  # the same saved by place, as a UI file saves it
        ui.nodes["rz"].raw, ui.nodes["rz"].widgets = [kind, s, "area"], {}
        assert ui.image_size(ui.nodes["rz"]) == _comfy(kind, s, w, h), (kind, w, h)


def test_each_mode_is_studios_scale_or_none_where_another_picture_decides():
    made = {kind: resizes.scale_params(wf := _read(_api(kind, name, s)), wf.nodes["rz"])
            for kind, name, s in MODES}
    assert made["scale total pixels"] == {"width": 1024, "height": 1024, "scale": 2.0, "fit": "area", "multiple": 1,
                                          "rounding": "nearest, even", "crop": "disabled", "interpolation": "area"}
    assert (made["scale width"]["width"], made["scale width"]["height"]) == (640, 0)
    assert (made["scale height"]["width"], made["scale height"]["height"]) == (0, 360)
    assert made["scale to multiple"]["multiple"] == 8 and made["scale by multiplier"]["scale"] == 0.5
    assert all(made.values())
    wf = _read(_api("match size", "crop", "center"))
    assert resizes.scale_params(wf, wf.nodes["rz"]) is None  # (another picture's size: not fixed by its settings)
    wf = _read(_api("scale total pixels", "megapixels", 12))  # past Scale's factor 8: not made, never clamped
    assert resizes.scale_params(wf, wf.nodes["rz"]) is None


def test_total_pixels_as_scale_gives_comfyuis_size():
    """Scale's 'area' fit at the megapixels ComfyUI counts (int(megapixels x 1024²) pixels, Python's round)."""
    from nodes.edit.scale_round import rounded

    class P:
        pass
    wf = _read(_api("scale total pixels", "megapixels", 1.5))
    p = P()
    p.__dict__.update(resizes.scale_params(wf, wf.nodes["rz"]), condition="always")
    for w, h in ((1921, 1083), (640, 480), (1080, 1920), (333, 777)):
        assert rounded(w, h, p) == _comfy("scale total pixels", 1.5, w, h)


def _naashw(multiplier: float = 0.5) -> dict:
    """held-out 107 03's way on ltx2x22's two-stage LTX-2: the loaded picture to ~2 MP, to a multiple of 8 (given to
    LTXVPreprocess and the take), and x``multiplier`` measured by GetImageSize for the first stage's latent."""
    d = _two_stage()
    d["r1"] = {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["img", 0], "resize_type": "scale total pixels",
                                                               "resize_type.megapixels": 2, "scale_method": "area"}}
    d["r2"] = {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["r1", 0], "resize_type": "scale to multiple",
                                                               "resize_type.multiple": 8, "scale_method": "area"}}
    d["r3"] = {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["r2", 0], "resize_type": "scale by multiplier",
                                                               "resize_type.multiplier": multiplier,
                                                               "scale_method": "area"}}
    d["gs"] = {"class_type": "GetImageSize", "inputs": {"image": ["r3", 0]}}
    d["pre"]["inputs"]["image"] = ["r2", 0]
    d["v"]["inputs"].update(width=["gs", 0], height=["gs", 1])
    return d


def _way(g, gen) -> list:
    way, node = [], gen.id
    while (link := g.input_link(node, "image" if node == gen.id else "video")) is not None:
        way.append(g.nodes[link.src])
        node = link.src
    return way


def test_the_steps_are_made_and_the_first_stage_is_half_the_picture_the_take_is_given():
    conv, g, ups, text = _made(_naashw(), "naashw.json")
    gen = g.nodes[g.input_link(ups[0].id, "video").src]
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    scales = [n.params for n in _way(g, gen) if n.type_id == "transform.scale"]  # nearest the generator first
    assert [(p["scale"], p["fit"], p["multiple"]) for p in scales] == [(0.5, "exact", 1), (1.0, "exact", 8),
                                                                       (2.0, "area", 1)]
    assert _way(g, gen)[-1].type_id == "io.load_image"
    assert "0.5 times the size of the picture 'ResizeImageMaskNode' (ResizeImageMaskNode, #r2) makes, which Studio " \
           "gives the generator's 'image' through Studio's Scale x0.5" in text
    assert "LTX-2 makes the take at the size of its 'image' scaled x0.5, as ComfyUI's first stage is sized" in text
    assert "first-stage size is not read" not in text
    said = "\n".join(conv.log)
    assert "not applied" not in said and "cannot work out" not in said
    assert "scaled to the picture's aspect at 2 megapixels (2 x 1024x1024 pixels) by Studio's Scale" in text


def test_a_multiplier_of_1_is_the_picture_the_take_is_given_as_it_is():
    """held-out 107 01 (its 'Half-res' step saved at 1): the latent the size of the multiple-of-8 picture."""
    conv, g, ups, text = _made(_naashw(1), "naashw1.json")
    gen = g.nodes[g.input_link(ups[0].id, "video").src]
    scales = [n.params for n in _way(g, gen) if n.type_id == "transform.scale"]
    assert [p["multiple"] for p in scales] == [8, 1] and all(p["scale"] != 0.5 for p in scales)
    assert "the size of the picture 'ResizeImageMaskNode' (ResizeImageMaskNode, #r2) makes, which Studio gives the " \
           "generator's 'image' as it is" in "\n".join(conv.log)


def test_a_factor_of_a_resize_not_last_on_the_way_is_not_kept():
    """The latent measured of a resize another one follows on the way to the take: not that picture, not kept."""
    d = _naashw()
    d["r4"] = {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["r2", 0], "resize_type": "scale width",
                                                               "resize_type.width": 640, "scale_method": "area"}}
    d["pre"]["inputs"]["image"] = ["r4", 0]
    conv, g, ups, text = _made(d, "notlast.json")
    said = "\n".join(conv.log)
    assert "through Studio's Scale x0.5" not in said and "cannot work out when converting: not read" in said
