"""Sizes a loader or a size node works out (issue 112, point 2), made as Studio's Scale:
- VideoHelperSuite's video loaders' custom_width / custom_height / format (reading/loader_size.py, mapping/load_size.py);
  the rule written here from its source, Kosinkadink/ComfyUI-VideoHelperSuite@4ee72c06,
  videohelpersuite/load_video_nodes.py, target_size(): both 0 the file's size; one 0: the other side h * (cw / w);
  both set: that size; each side then int(x / d + 0.5) * d, d the format's dim[0] ('None' 1, 'AnimateDiff' 8,
  'LTXV' 32); the frame loaders (resized_cv_frame_gen) always apply it, the FFmpeg ones only where a side is set;
- fofr's 'Width and height for scaling image to ideal resolution 🪴' (comfyui-fofr-toolkit, its
  ToolkitWidthAndHeightForImageScaling: scale = sqrt(target_size² / (w h)), each side round(x * scale / m) * m) where
  a resize stretches its own picture to it (tracing/worked_sizes.py; heldout20 12)."""
from __future__ import annotations

import math
from types import SimpleNamespace

from nodes.images import scaled_size
from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_fit_resize import _i2v, _scale
from tests.convert.test_comfy_heldout4_mends import _generator, _said
from tests.convert.test_comfy_outputs import _wan

FORMAT_D = {"None": 1, "AnimateDiff": 8, "LTXV": 32}


def _vhs(w: int, h: int, cw: int, ch: int, d: int) -> tuple[int, int]:
    """VideoHelperSuite's target_size as its source states it (facts above; written here, not copied)."""
    if cw and ch:
        fw, fh = cw, ch
    elif cw:
        fw, fh = cw, h * (cw / w)
    elif ch:
        fw, fh = w * (ch / h), ch
    else:
        fw, fh = w, h
    return int(fw / d + 0.5) * d, int(fh / d + 0.5) * d


def _fofr(w: int, h: int, target: int, m: int) -> tuple[int, int]:
    s = (target ** 2 / (w * h)) ** 0.5
    return round(w * s / m) * m, round(h * s / m) * m


def _p(**kw) -> SimpleNamespace:
    base = {"scale": 1.0, "width": 0, "height": 0, "fit": "exact", "multiple": 1, "rounding": "down",
            "condition": "always"}
    return SimpleNamespace(**{**base, **kw})


ODD = [(1920, 1080), (1000, 333), (853, 480), (37, 91), (1279, 719), (720, 1280), (641, 359), (500, 501)]


def test_scale_gives_the_size_videohelpersuites_rule_gives_on_odd_sizes():
    from studio.convert.reading.loader_size import near
    for w, h in ODD:
        for d in FORMAT_D.values():
            for cw, ch in ((512, 0), (0, 512), (0, 0), (500, 300), (333, 0), (0, 77)):
                want = _vhs(w, h, cw, ch, d)
                if cw and ch:  # (known when converting: the converter rounds them, Scale makes that size)
                    got = scaled_size(w, h, _p(width=near(cw, d), height=near(ch, d)))
                else:
                    got = scaled_size(w, h, _p(width=cw, height=ch, multiple=d, rounding="nearest"))
                assert got == want, (w, h, cw, ch, d)
    assert scaled_size(1000, 333, _p(width=500, rounding="nearest")) == (500, 167)  # 166.5: a half up, not even
    from nodes.images import Scale
    from tests.node_run import ramp_clip, run_node
    out = run_node(Scale, {"multiple": 8, "rounding": "nearest", "crop": "center", "interpolation": "lanczos"},
                   video=ramp_clip(n=1, w=37, h=91))  # (the node run: 37x91 to the nearest multiples of 8, 40x88)
    assert out.frame(0).shape == (88, 40, 3) == (_vhs(37, 91, 0, 0, 8)[1], _vhs(37, 91, 0, 0, 8)[0], 3)


def test_scales_area_fit_gives_the_size_fofrs_ideal_resolution_gives():
    for w, h in ODD + [(2254, 184), (322, 1288)]:  # (the last two: exact halves, rounded to the even multiple)
        for target, m in ((644, 28), (1024, 8), (512, 64)):
            assert scaled_size(w, h, _p(width=target, height=target, fit="area", multiple=m,
                                         rounding="nearest, even")) == _fofr(w, h, target, m), (w, h, target, m)
    assert 2254 * 184 == 644 ** 2 and _fofr(2254, 184, 644, 28)[0] == 80 * 28  # (exactly 644²: 80.5 to even, 80)


def _v2v(loader: dict) -> dict:
    """AnimateDiff-free API video to video: the loader #4 (VHS) -> VAEEncode -> KSampler (denoise 0.6) -> save."""
    wf = _wan(**{"4": loader,
                 "5": {"class_type": "VAEEncode", "inputs": {"pixels": ["4", 0], "vae": ["3", 0]}},
                 "31": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
                 "32": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "v2v", "video": ["31", 0]}}})
    wf["9"]["inputs"].update(latent_image=["5", 0], denoise=0.6)
    return wf


def _load(cls: str = "VHS_LoadVideo", **kw) -> dict:
    inputs = {"video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0}
    inputs.update({"skip_first_frames": 0, "select_every_nth": 1} if cls == "VHS_LoadVideo" else {"start_time": 0})
    return {"class_type": cls, "inputs": {**inputs, **kw}}


def _scales(conv) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == "transform.scale"]


def test_a_video_loaders_custom_size_is_scale_after_its_load_video():
    conv = convert(_v2v(_load(custom_width=512, custom_height=512, format="AnimateDiff")), "square")
    assert conv.graph.validate() == []
    (p,) = _scales(conv)
    assert (p["width"], p["height"], p["crop"], p["interpolation"], p["multiple"]) == (512, 512, "center", "lanczos", 1)
    said = _said(conv)
    assert ("'VHS_LoadVideo' (VHS_LoadVideo, #4) scales the frames of 'dance.mp4' to 512x512, cut to that aspect about "
            "the middle first, by Lanczos: Studio's Scale after its Load Video makes the same size") in said
    assert "custom_width 512" not in said and "Studio's Load Video reads every frame" not in said
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    load = conv.graph.nodes[conv.graph.input_link(scale.id, "video")[0]]
    assert load.type_id == "io.load_video"  # (the loader's frames: through the Scale to the generator)
    assert _generator(conv).type_id == "video_models.video_to_video"
    assert conv.graph.input_link(_generator(conv).id, "video")[0] == scale.id
    # one side: the other from the file's aspect, each rounded to the format's multiple (LTXV: 32) when it runs
    (p,) = _scales(convert(_v2v(_load(custom_width=500, format="LTXV")), "wide"))
    assert (p["width"], p["height"], p["multiple"], p["rounding"]) == (500, 0, 32, "nearest")
    # both set, off the multiple: rounded now (500x300 by 32: 512x288)
    conv = convert(_v2v(_load(custom_width=500, custom_height=300, format="LTXV")), "odd")
    assert (_scales(conv)[0]["width"], _scales(conv)[0]["height"]) == (512, 288)
    assert "to 512x288 (its 500x300 rounded to the nearest multiples of 32)" in _said(conv)
    assert "cuts the frames it loads to the most of the form 8 x n + 1" in _said(conv)  # LTXV's frames: said


def test_a_format_rounds_the_files_own_size_and_the_ffmpeg_loader_only_scales_to_a_side_set():
    conv = convert(_v2v(_load(format="LTXV")), "ltxv")
    (p,) = _scales(conv)
    assert (p["width"], p["height"], p["multiple"], p["rounding"]) == (0, 0, 32, "nearest")
    assert "rounds the size of 'dance.mp4' to the nearest multiples of 32 (its format 'LTXV'" in _said(conv)
    assert _scales(convert(_v2v(_load(format="None")), "none")) == []  # d 1, no side: its own size
    assert _scales(convert(_v2v(_load()), "api")) == []  # an API file's missing format: 'None'
    assert _scales(convert(_v2v(_load("VHS_LoadVideoFFmpeg", format="LTXV")), "ff")) == []  # no side: none
    conv = convert(_v2v(_load("VHS_LoadVideoFFmpeg", custom_height=480, format="None")), "ff480")
    (p,) = _scales(conv)
    assert (p["width"], p["height"], p["crop"], p["interpolation"]) == (0, 480, "center", "cubic")
    assert "by ffmpeg's bicubic scale" in _said(conv) and "stretches uncut" in _said(conv)


def test_a_size_studio_cannot_tell_is_still_said_not_applied():
    for kw, lost in (({"custom_width": 512, "format": "SomePluginFormat"}, "custom_width 512: not applied"),
                     ({"custom_width": 512, "force_size": "512x?"}, "force_size 512x?: not applied")):  # (an API file's
        conv = convert(_v2v(_load(**kw)), "unknown")  # force_size: its version and today's differ)
        assert _scales(conv) == [] and lost in _said(conv), kw
    wf = _v2v(_load(custom_width=512, format="AnimateDiff"))
    wf["4"]["inputs"]["vae"] = ["3", 0]  # (it then gives latents)
    assert _scales(convert(wf, "vae")) == []


def _ideal(m: int = 28) -> dict:
    return {"class_type": "Width and height for scaling image to ideal resolution 🪴",
            "inputs": {"image": ["40", 0], "target_size": 644, "multiple_of": m}}


def test_an_ideal_resolution_stretched_to_is_scale_by_area_and_the_generator_takes_its_size():
    """heldout20 12 (s1ntecs): ImageResize+ stretches the start image to the size the 'ideal resolution' node works
    out of it, which sizes WanImageToVideo: was "not read ... (set its 'width', 'height' to the workflow's)"."""
    wf = _i2v(_ideal(), ["44", 0])
    wf["44"] = {"class_type": "ImageResize+", "inputs": {
        "image": ["40", 0], "width": ["41", 0], "height": ["41", 1], "interpolation": "lanczos", "method": "stretch",
        "condition": "always", "multiple_of": 0}}
    wf["42"]["inputs"].update(width=["41", 0], height=["41", 1])
    conv = convert(wf, "ideal")
    assert conv.graph.validate() == []
    gen, scale = _generator(conv), _scale(conv)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    assert {k: scale.params[k] for k in ("width", "height", "fit", "multiple", "rounding", "interpolation")} == \
        {"width": 644, "height": 644, "fit": "area", "multiple": 28, "rounding": "nearest, even",
         "interpolation": "lanczos"}
    said = _said(conv)
    assert ("the size it works out of the picture 'LoadImage' (LoadImage, #40) gives (the picture's aspect at an area "
            "of 644x644, each side rounded to the nearest multiple of 28), which Studio's Scale makes on the way to the "
            "generator's 'image': the generator takes that size when it runs") in said
    assert "cannot work out" not in said and "41" not in conv.dropped and "44" not in conv.dropped
    wf["44"]["inputs"]["method"] = "keep proportion"  # (a fit within that box: not the same size to the pixel)
    said = _said(convert(wf, "kept"))
    assert "cannot work out when converting" in said


def test_a_ui_files_older_force_size_is_read_as_the_page_migrates_it():
    """VHS.core.js migrates an older file's force_size: '512x?' a width of 512 (the height from the aspect), rounded to
    8 as that version did; 'Disabled' no resize (that version neither resized nor rounded); a UI file's missing
    format is the page's default 'AnimateDiff'."""
    from tests.convert.test_comfy_wrappers import UI as WUI

    def chain(widgets: dict):
        w = WUI()
        load = w.add("VHS_LoadVideo", {"video": "walk.mp4", "force_rate": 0, "frame_load_cap": 0,
                                       "skip_first_frames": 0, "select_every_nth": 1, **widgets})
        w.add("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "out",
                                   "format": "video/h264-mp4", "save_output": True}, images=(load, 0))
        return convert(w.doc(), "ui")

    conv = chain({"force_size": "512x?", "custom_width": 512, "custom_height": 512})
    (p,) = _scales(conv)
    assert (p["width"], p["height"], p["multiple"], p["rounding"]) == (512, 0, 8, "nearest")
    assert "force_size" not in _said(conv)
    assert _scales(chain({"force_size": "Disabled", "custom_width": 512, "custom_height": 512})) == []
    (p,) = _scales(chain({"custom_width": 0, "custom_height": 0}))  # (no format saved: 'AnimateDiff', d 8)
    assert (p["width"], p["height"], p["multiple"]) == (0, 0, 8)


def test_an_image_loaders_resize_is_scale_and_one_scale_cannot_make_is_said():
    """KJNodes' LoadAndResizeImage (kijai/ComfyUI-KJNodes@3f20054, LoadAndResizeImage.load_image): 'resize' with
    keep_proportion: within the box, round(side x ratio); without: the width and height as set; each side then
    rounded down to divisible_by. A 0 beside a side set is the picture's own side there, which Scale does not make:
    said not applied, as a setting wired to a value Studio cannot work out (never unsaid)."""
    from tests.convert.test_comfy_by_types import _flf
    doc = _flf(False)
    loads = [n for n in doc["nodes"] if n["type"] == "LoadAndResizeImage"]
    loads[0]["widgets_values"][2] = 0  # (first.png: width 0, height 480, not keeping proportion)
    loads[0]["widgets_values"][5] = False
    conv = convert(doc, "zero")
    said = _said(conv)
    assert ("'LoadAndResizeImage' (LoadAndResizeImage, #7) loads 'first.png' with width 0, height 480, divisible_by 32: "
            "not applied, Studio's Load Image reads the picture at its own size") in said
    assert [(p["width"], p["height"], p["fit"]) for p in _scales(conv)] == [(832, 480, "within")]  # (last.png's)
    wf = _v2v(_load(format="None"))
    wf["4"]["inputs"]["custom_width"] = ["99", 0]
    wf["99"] = {"class_type": "SomeoneElsesSizeNode", "inputs": {"image": ["4", 0]}}
    conv = convert(wf, "wired")
    assert _scales(conv) == [] and ("custom_width (wired to a value Studio cannot work out when converting): not "
                                    "applied") in _said(conv)


def _total_pixels(w: int, h: int, mp: float, steps: int) -> tuple[int, int]:
    """ComfyUI's ImageScaleToTotalPixels (comfy_extras/nodes_post_processing.py, with resolution_steps): scale =
    sqrt(mp x 1024 x 1024 / (w h)), each side round(side x scale / steps) x steps (written here from its source)."""
    s = math.sqrt(mp * 1024 * 1024 / (w * h))
    return round(w * s / steps) * steps, round(h * s / steps) * steps


def test_image_scale_to_total_pixels_is_scale_by_area_on_its_way():
    from studio.convert.tracing.resizes import METHODS
    from studio.convert.tracing.worked_sizes import total_pixels
    for mp, steps in ((0.52, 32), (1.0, 1), (0.25, 16), (2.0, 8)):
        p = total_pixels({"megapixels": mp, "resolution_steps": steps, "upscale_method": "lanczos"}.get, METHODS)
        for w, h in ODD:
            assert scaled_size(w, h, _p(**{k: p[k] for k in ("width", "height", "scale", "fit", "multiple",
                                                               "rounding")})) == _total_pixels(w, h, mp, steps)
    wf = _i2v({"class_type": "GetImageSize", "inputs": {"image": ["44", 0]}}, ["44", 0])
    wf["44"] = {"class_type": "ImageScaleToTotalPixels", "inputs": {
        "image": ["40", 0], "upscale_method": "lanczos", "megapixels": 0.52, "resolution_steps": 32}}
    wf["42"]["inputs"].update(width=["41", 0], height=["41", 1])
    conv = convert(wf, "mp")
    scale = _scale(conv)
    assert (scale.params["fit"], scale.params["scale"], scale.params["multiple"]) == ("area", 0.52, 32)
    said = _said(conv)
    assert "is scaled to the picture's aspect at 0.52 megapixels (0.52 x 1024x1024 pixels), each side rounded to " \
           "the nearest multiple of 32 by Studio's Scale" in said
    assert "the generator takes that size when it runs" in said and "not applied (its settings" not in said


def test_an_older_image_scale_to_total_pixels_saved_by_place():
    """The version before resolution_steps (ComfyUI@a125cd84: total int(megapixels x 1024 x 1024), each side
    round(side x scale)) saves two values by place: read so, its whole number of pixels kept exactly."""
    from studio.convert.reading.workflow import Workflow
    from studio.convert.tracing.resizes import scale_params
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    load = w.add("LoadImage", ["a.png", "image"], ["IMAGE", "MASK"])
    n = w.add("ImageScaleToTotalPixels", ["bicubic", 0.52], ["IMAGE"], {"image": (load, 0, "IMAGE")})
    wf = Workflow.read(w.doc())
    p = scale_params(wf, wf.nodes[str(n)])
    assert (p["fit"], p["multiple"], p["interpolation"], p["scale"] * 1024 * 1024) == ("area", 1, "cubic", 545259)
    for iw, ih in ODD:
        s = math.sqrt(int(0.52 * 1024 * 1024) / (iw * ih))
        assert scaled_size(iw, ih, _p(**{k: p[k] for k in ("width", "height", "scale", "fit", "multiple",
                                                             "rounding")})) == (round(iw * s), round(ih * s))
