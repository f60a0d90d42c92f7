"""Issue 112, fix24: an animated WEBP or GIF that ComfyUI's LoadImage reads whole (every frame) and a generator takes
as a clip is made as Studio's Load Video of that file (heldout114 01: Wan Fun Control's pose clip), decided by the file
where it lies beside the workflow, else by the workflow counting its frames (said as assumed)."""
from __future__ import annotations

import json
import os

import numpy as np
from PIL import Image, ImageSequence

from nodes.io import LoadVideo
from studio.convert.mapping.file import convert_file
from tests.convert.said import api, nodes_of
from tests.convert.test_comfy_heldout114_mends import _fun_control, _fun_control_nodes


def _picture(path, n):
    rng = np.random.default_rng(3)
    frames = [Image.fromarray(rng.integers(0, 256, (16, 24, 3), dtype=np.uint8)) for _ in range(n)]
    kw = {"lossless": True} if str(path).endswith(".webp") else {}
    frames[0].save(path, save_all=n > 1, append_images=frames[1:], duration=50, loop=0, **kw)


def _beside(tmp_path, file, frames, counted=True, nodes=None):
    if frames:
        _picture(tmp_path / file, frames)
    wf = tmp_path / "fun_control.json"
    wf.write_text(json.dumps(api(nodes or _fun_control_nodes(file, counted))))
    return convert_file(str(wf))


def test_an_animated_picture_beside_the_workflow_is_made_as_load_video_reading_every_frame(tmp_path):
    for ext in ("webp", "gif"):
        conv = _beside(tmp_path, f"poses.{ext}", 4, counted=False)  # (the file itself told: no count needed)
        (video,) = nodes_of(conv, "io.load_video")
        assert video.params["path"] == f"poses.{ext}"
        assert [n.params["path"] for n in nodes_of(conv, "io.load_image")] == ["start.png"]
        assert any(link.src == video.id and link.src_port == "video" for link in conv.graph.links)
        line = next(x for x in conv.log if f"gives 'poses.{ext}'" in x)
        assert "the file beside the workflow holds 4 frames: made as Studio's Load Video" in line, line
        clip = LoadVideo.open_clip({"path": os.path.join(conv.graph.base_dir, video.params["path"])}, None)
        with Image.open(tmp_path / f"poses.{ext}") as im:
            want = [np.asarray(f.convert("RGB"), np.float32) / 255 for f in ImageSequence.Iterator(im)]
        np.testing.assert_array_equal(clip.chunk(0, clip.n_frames), np.stack(want))


def test_a_still_webp_beside_the_workflow_stays_a_load_image_with_no_word(tmp_path):
    conv = _beside(tmp_path, "poses.webp", 1)
    assert not nodes_of(conv, "io.load_video")
    assert not any("gives 'poses.webp'" in x for x in conv.log)


def test_an_absent_counted_file_is_assumed_animated_and_said(tmp_path):
    conv = _beside(tmp_path, "poses.webp", 0)
    (video,) = nodes_of(conv, "io.load_video")
    line = next(x for x in conv.log if "gives 'poses.webp'" in x)
    assert "Studio assumes the file is animated (the file is not here to look at" in line
    assert not nodes_of(_fun_control("poses.webp", counted=False), "io.load_video")


def test_a_picture_also_taken_as_one_picture_stays_a_load_image_said(tmp_path):
    nodes = _fun_control_nodes("poses.webp")
    nodes["10"][1]["start_image"] = ["6", 0]  # (the same file as the start picture: an Image input)
    conv = _beside(tmp_path, "poses.webp", 3, nodes=nodes)
    assert not nodes_of(conv, "io.load_video")
    line = next(x for x in conv.log if "gives 'poses.webp'" in x)
    assert "holds 3 frames, but its picture also goes where one picture is taken: kept as Studio's Load Image" in line
