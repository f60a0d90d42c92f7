"""pose_to_video (Load Video -> Detect People -> Pose Estimate -> Draw Pose -> Wan VACE) and
depth_to_video (Depth -> Wan VACE) render headless on tiny random models standing in under the
names the templates ask for; without them, the loader names the folder and the files."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from studio.engine.media import probe

from .test_video_templates import _template, models_dir, place  # noqa: F401 - the fixture

pytest.importorskip("transformers")
VACE = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"
SMALL = [("video_models.wan_vace", k, v) for k, v in
         (("width", 32), ("height", 32), ("steps", 1), ("frames", 5), ("preview_size", "off"))]


def test_pose_to_video_renders_on_tiny_models(models_dir, tmp_path, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, VACE, "PekingU/rtdetr_r50vd_coco_o365", "usyd-community/vitpose-base-simple")
    out = tmp_path / "pose_to_video.mp4"
    g = _template("pose_to_video", out, SMALL + [("preprocess.detect_people", "threshold", 0.0),
                                                 ("preprocess.detect_people", "max_people", 2)])
    r = Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 5 and info["width"] == 32
    pose = r.value(next(n.id for n in g.nodes.values() if n.type_id == "preprocess.pose_estimate"))
    assert pose.layout == "coco17" and pose.n_persons >= 2 and pose.n_frames == 48
    draw = r.value(next(n.id for n in g.nodes.values() if n.type_id == "preprocess.draw_pose"))
    assert draw.width == 256 and draw.frame(0).max() > 0  # a pose was drawn
    vace = next(n.id for n in g.nodes.values() if n.type_id == "video_models.wan_vace")
    assert np.isfinite(r.value(vace).frames).all()


def test_depth_to_video_renders_on_tiny_models(models_dir, tmp_path, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, VACE, "depth-anything/Depth-Anything-V2-Small-hf")
    out = tmp_path / "depth_to_video.mp4"
    r = Executor(frame_caching=False).run(_template("depth_to_video", out, SMALL), device="cpu")
    assert probe(str(out))["frames"] == 5
    assert r.executed


def test_without_models_the_template_names_folder_and_files(models_dir, tmp_path):  # noqa: F811
    g = _template("depth_to_video", tmp_path / "out.mp4")
    with pytest.raises(StudioError) as e:
        Executor(frame_caching=False).run(g)
    msg = str(e.value)
    assert "depth-anything/Depth-Anything-V2-Small-hf' not found" in msg and str(models_dir) in msg
    assert "config.json, model.safetensors, preprocessor_config.json" in msg
