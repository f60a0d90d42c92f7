"""heldout68's mends (artists' and teachers' collections: a Colab pack, a Chinese-language collection), each on a
minimal workflow built here from node types, values and links:
- loaded pictures joined by a node declaring picture inputs only (ComfyUI's ImageBatch), then interpolated by a
  frame-interpolation pack's node and saved: made as Load Image each -> Concatenate -> Frame Interpolation -> Frame
  Rate -> Save Video, the join said (was no Studio node at all: "no video output with a sampler found")."""
from __future__ import annotations

import numpy as np

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _morph(n: int = 2, join: str = "ImageBatch", rate: float = 8) -> dict:
    """``n`` LoadImage -> ``join`` -> 'GMFSS Fortuna VFI' x16 -> VHS_VideoCombine at ``rate`` fps."""
    nodes = {str(i): ("LoadImage", {"image": f"p{i}.png"}) for i in range(1, n + 1)}
    if join == "ImageBatch":
        nodes["10"] = ("ImageBatch", {"image1": ["1", 0], "image2": ["2", 0]})
    nodes["11"] = ("GMFSS Fortuna VFI", {"ckpt_name": "GMFSS_fortuna_union", "clear_cache_after_n_frames": 10,
                                         "multiplier": 16, "frames": ["10", 0]})
    nodes["12"] = ("VHS_VideoCombine", {"frame_rate": rate, "loop_count": 0, "filename_prefix": "morph",
                                        "format": "video/h264-mp4", "pix_fmt": "yuv420p", "crf": 19,
                                        "save_metadata": True, "pingpong": False, "save_output": True,
                                        "images": ["11", 0]})
    return api(nodes)


def test_loaded_pictures_joined_then_interpolated_are_made_a_clip_of_their_load_images():
    conv = convert(_morph(), "morph")
    text = said(conv)
    loads = nodes_of(conv, "io.load_image")
    assert sorted(x.params["path"] for x in loads) == ["p1.png", "p2.png"]
    (cat,) = nodes_of(conv, "edit.concatenate")
    assert cat.params["conform"] == "conform to first"
    by_id = {x.id: x for x in loads}
    fed = {l.dst_port: by_id[l.src].params["path"] for l in conv.graph.links if l.dst == cat.id}
    assert fed == {"a": "p1.png", "b": "p2.png"}  # the join's order kept
    (interp,) = nodes_of(conv, "motion.interpolate")
    assert interp.params["factor"] == 16
    (rate,) = nodes_of(conv, "edit.frame_rate")
    assert rate.params["fps"] == 8
    assert len(nodes_of(conv, "io.save_video")) == 1
    assert "no video output with a sampler found" not in text
    assert ("'ImageBatch' (ImageBatch, #10) joins the pictures of 'LoadImage' (LoadImage, #1), 'LoadImage' "
            "(LoadImage, #2) into a clip: Studio's Concatenate of their Load Images, a frame each") in text
    assert "-> Load Image x2 -> Concatenate -> frame interpolation (GMFSS Fortuna VFI)" in text
    assert "Load Video" not in text and "sound" not in text  # no loaded clip, no sound to speak of
    made = _morph()  # a join whose second picture is made (a resize of the first): not a clip of loaded pictures
    made["2"] = {"class_type": "ImageScaleBy", "inputs": {"upscale_method": "lanczos", "scale_by": 0.5,
                                                          "image": ["1", 0]}}
    assert not nodes_of(convert(made, "morph"), "edit.concatenate")


def test_the_made_clip_runs_two_pictures_into_seventeen_frames_at_eight_fps(tmp_path):
    """The converted graph run on two tiny pictures: 2 frames x16 interpolated = 17 frames, written at 8 fps, as
    ComfyUI's VFI ((n - 1) x multiplier + 1) and VHS_VideoCombine make them."""
    import cv2

    from studio.engine.executor import Executor
    for i, v in ((1, 0), (2, 255)):
        cv2.imwrite(str(tmp_path / f"p{i}.png"), np.full((16, 16, 3), v, np.uint8))
    conv = convert(_morph(), "morph")
    for x in nodes_of(conv, "io.load_image"):
        x.params["path"] = str(tmp_path / x.params["path"])
    (rate,) = nodes_of(conv, "edit.frame_rate")
    clip = Executor().run(conv.graph, targets=[rate.id], device="cpu", use_cache=False).value(rate.id)
    assert (clip.n_frames, clip.fps, clip.width, clip.height) == (17, 8.0, 16, 16)
    first, last = clip.frame(0), clip.frame(16)
    assert float(np.mean(first)) < 0.05 and float(np.mean(last)) > 0.95  # the first picture into the second

